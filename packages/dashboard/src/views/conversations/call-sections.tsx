import type { ReactNode } from 'react'
import { JsonText } from '../../components/json-text'
import { formatDuration, formatNumber } from '../../lib/format'
import type { EventTokens, ToolCall } from './conversation-types'

/** A titled part of the call detail. Its content carries its own label (`Response`, `Tokens`). */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="call-section">
      <h3>{title}</h3>
      {children}
    </section>
  )
}

/** Free text (a prompt, a response, thinking) as a text node: whatever it holds is not markup. */
export function PlainText({ text, label }: { text: string; label: string }) {
  return (
    <pre className="json call-text" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  )
}

type Message = { role?: unknown; content?: unknown; name?: unknown }

/**
 * The request's messages, one block per message with its role. Content that is a string is shown
 * as text; content blocks (Anthropic, OpenAI parts) are shown as JSON text. Any other shape is
 * shown whole as JSON text.
 */
export function Messages({ messages }: { messages: unknown }) {
  if (!Array.isArray(messages) || !messages.every((m) => m !== null && typeof m === 'object'))
    return <JsonText value={messages} label="Messages" />
  return (
    <ol className="messages">
      {(messages as Message[]).map((m, i) => (
        <li key={i} className="message">
          <div className="message-role">
            {typeof m.role === 'string' ? m.role : 'message'}
            {typeof m.name === 'string' ? <span className="muted"> · {m.name}</span> : null}
          </div>
          {typeof m.content === 'string' ? (
            <PlainText text={m.content} label={`Message ${i + 1}`} />
          ) : (
            <JsonText value={m.content ?? m} label={`Message ${i + 1}`} />
          )}
        </li>
      ))}
    </ol>
  )
}

/** Input, output, cache read and cache write tokens, and the total. */
export function TokenTable({ tokens }: { tokens: EventTokens }) {
  const rows: [string, number | null][] = [
    ['Input', tokens.input],
    ['Output', tokens.output],
    ['Cache read', tokens.cached],
    ['Cache write', tokens.cache_write],
    ['Total', tokens.total],
  ]
  return (
    <table className="simple tokens" aria-label="Tokens">
      <tbody>
        {rows.map(([label, n]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="right">{formatNumber(n)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The tools the model asked for: name, id, status, duration, input, and the result or error. */
export function ToolCalls({ calls }: { calls: readonly ToolCall[] }) {
  return (
    <ol className="tool-calls">
      {calls.map((t, i) => (
        <li key={t.id ?? i} className="tool-call">
          <div className="tool-call-head">
            <strong>{t.name ?? 'tool'}</strong>
            {t.id ? <span className="mono muted">{t.id}</span> : null}
            {t.status ? (
              <span className={`badge ${t.status}`}>{t.status}</span>
            ) : (
              <span className="badge">no result recorded</span>
            )}
            <span className="muted">{formatDuration(t.duration_ms)}</span>
          </div>
          <div className="tool-call-body">
            <div>
              <div className="muted small">Input</div>
              <JsonText value={t.input ?? null} label={`Input of ${t.name ?? 'tool'}`} />
            </div>
            <div>
              <div className="muted small">
                {t.error !== null && t.error !== undefined ? 'Error' : 'Result'}
              </div>
              <JsonText
                value={t.error ?? t.result ?? null}
                label={`Result of ${t.name ?? 'tool'}`}
              />
            </div>
          </div>
        </li>
      ))}
    </ol>
  )
}

/** The provider's rate-limit headers at the time of the call, as name and value. */
export function RateLimit({ headers }: { headers: Record<string, unknown> }) {
  return (
    <dl className="facts rate-limit">
      {Object.entries(headers).map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="mono">{name}</dt>
          <dd className="mono">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  )
}
