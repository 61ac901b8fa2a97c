import type { KeyboardEvent } from 'react'
import { formatDuration, formatNumber, formatTime } from '../../lib/format'
import { formatCost } from './format-cost'
import type { TimelineItem } from './conversation-types'

const KIND_LABEL: Record<string, string> = { llm_call: 'LLM', tool_call: 'Tool', http_call: 'HTTP' }

/** What one entry says in a line: the model, the tool, or the HTTP request. */
export function itemSummary(item: TimelineItem): string {
  if (item.kind === 'llm_call')
    return [item.model ?? item.provider ?? 'LLM call', item.stop_reason && `→ ${item.stop_reason}`]
      .filter(Boolean)
      .join(' ')
  if (item.kind === 'tool_call') return item.tool?.name ?? item.title ?? item.action ?? 'tool call'
  if (item.kind === 'http_call' && item.http)
    return `${item.http.method ?? ''} ${item.http.url ?? ''} ${item.http.status ?? ''}`.trim()
  return item.title ?? item.action ?? item.kind
}

/**
 * The conversation's calls in order. Each entry is a button (Enter or click shows the call in
 * full); ArrowUp and ArrowDown move between entries. A bar shows the call's duration against the
 * longest call, so the slow ones stand out.
 */
export function Timeline({
  items,
  selected,
  onSelect,
}: {
  items: readonly TimelineItem[]
  selected: string | undefined
  onSelect: (id: string) => void
}) {
  const start = items.length ? Date.parse(items[0]!.ts) : 0
  const longest = Math.max(1, ...items.map((i) => i.duration_ms ?? 0))
  const onKey = (e: KeyboardEvent<HTMLOListElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button.tl-item')]
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const next =
      buttons[Math.min(buttons.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))]
    if (next) {
      e.preventDefault()
      next.focus()
      onSelect(next.dataset.id!)
    }
  }
  return (
    <ol className="timeline" aria-label="Timeline of calls" onKeyDown={onKey}>
      {items.map((item) => {
        const tokens = item.tokens.total ?? sum(item.tokens.input, item.tokens.output)
        return (
          <li key={item.id}>
            <button
              type="button"
              className={`tl-item${item.id === selected ? ' selected' : ''}`}
              aria-current={item.id === selected ? 'true' : undefined}
              data-id={item.id}
              onClick={() => onSelect(item.id)}
            >
              <span className="tl-offset muted" title={formatTime(item.ts)}>
                +{formatDuration(Date.parse(item.ts) - start)}
              </span>
              <span className={`badge kind-${item.kind}`}>
                {KIND_LABEL[item.kind] ?? item.kind}
              </span>
              <span className="tl-main">
                <span className="tl-line">
                  <span className="tl-summary">{itemSummary(item)}</span>
                  {item.status !== 'success' ? (
                    <span className={`badge ${item.status}`}>{item.status}</span>
                  ) : null}
                </span>
                <span className="tl-sub muted">
                  {[
                    item.tools_called.length > 0 &&
                      `tools: ${item.tools_called.map((t) => t.name ?? '?').join(', ')}`,
                    tokens !== null && `${formatNumber(tokens)} tokens`,
                    item.cost_usd !== null && formatCost(item.cost_usd),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </span>
              </span>
              <span className="tl-duration" title="Duration">
                {formatDuration(item.duration_ms)}
                <span className="bar" aria-hidden="true">
                  <span
                    className={`bar-fill${item.status === 'error' ? ' bad' : ''}`}
                    style={{ width: `${((item.duration_ms ?? 0) / longest) * 100}%` }}
                  />
                </span>
              </span>
            </button>
          </li>
        )
      })}
    </ol>
  )
}

function sum(a: number | null, b: number | null): number | null {
  return a === null && b === null ? null : (a ?? 0) + (b ?? 0)
}
