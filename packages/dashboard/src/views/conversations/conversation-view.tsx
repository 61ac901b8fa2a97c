import { Link, useParams } from 'wouter'
import { EmptyState, ErrorBox, Loading, Page, StatCard } from '../../components/page'
import { formatDuration, formatNumber, formatTime } from '../../lib/format'
import { formatCost } from './format-cost'
import { hrefWithEnv, useEnvironment, useUrlState } from '../../lib/url-state'
import { CallDetailPanel } from './call-detail'
import type { TimelineItem } from './conversation-types'
import { Timeline } from './timeline'
import { useTimeline } from './use-timeline'
import './conversations.css'

/**
 * One conversation: its figures, the timeline of LLM, tool and HTTP calls (live while it runs),
 * and the selected call in full (`?call=<event id>`, so a call can be linked to).
 */
export default function ConversationView() {
  const { id = '' } = useParams<{ id: string }>()
  const environment = useEnvironment()
  const [params, set] = useUrlState()
  const timeline = useTimeline(id)
  const items = timeline.items
  const selected = params.call ?? items.find((i) => i.kind === 'llm_call')?.id ?? items[0]?.id
  const figures = totals(items)

  return (
    <Page
      title="Conversation"
      actions={
        <Link href={hrefWithEnv('/conversations', environment)} className="button">
          ← All conversations
        </Link>
      }
    >
      <div className="muted mono conv-id">{id}</div>
      {timeline.isPending ? (
        <Loading what="Loading the timeline" />
      ) : timeline.error && items.length === 0 ? (
        <ErrorBox error={timeline.error} />
      ) : items.length === 0 ? (
        <EmptyState title="This conversation has no events">
          <p>Events sent with this conversation_id appear here as they are committed.</p>
        </EmptyState>
      ) : (
        <>
          <div className="cards">
            <StatCard
              label="Calls"
              value={formatNumber(figures.calls)}
              sub={`${figures.llm} LLM · ${figures.tool} tool · ${figures.http} HTTP`}
            />
            <StatCard label="Tokens" value={formatNumber(figures.tokens)} />
            <StatCard label="Cost" value={formatCost(figures.cost)} />
            <StatCard
              label="Time span"
              value={formatDuration(figures.spanMs)}
              sub={formatTime(items[0]!.ts)}
            />
            <StatCard
              label="Errors"
              value={formatNumber(figures.errors)}
              tone={figures.errors ? 'bad' : undefined}
            />
          </div>
          {timeline.error ? <ErrorBox error={timeline.error} /> : null}
          <div className="conv-split">
            <section className="panel conv-timeline" aria-labelledby="timeline-title">
              <h2 id="timeline-title">
                Timeline <span className="muted small">({formatNumber(items.length)} events)</span>
              </h2>
              <Timeline items={items} selected={selected} onSelect={(call) => set({ call })} />
              {timeline.hasMore ? (
                <button type="button" onClick={timeline.loadMore} disabled={timeline.loadingMore}>
                  {timeline.loadingMore ? 'Loading…' : 'Load more'}
                </button>
              ) : null}
            </section>
            <section className="panel conv-call" aria-label="Selected call">
              {selected ? (
                <CallDetailPanel key={selected} conversationId={id} eventId={selected} />
              ) : null}
            </section>
          </div>
        </>
      )}
    </Page>
  )
}

/** The figures of the loaded timeline (the whole conversation once every page is loaded). */
function totals(items: readonly TimelineItem[]) {
  let tokens = 0
  let cost = 0
  let errors = 0
  const count = { llm_call: 0, tool_call: 0, http_call: 0 } as Record<string, number>
  for (const i of items) {
    tokens += i.tokens.total ?? (i.tokens.input ?? 0) + (i.tokens.output ?? 0)
    cost += i.cost_usd ?? 0
    if (i.status === 'error') errors++
    if (i.kind in count) count[i.kind]!++
  }
  const first = items.length ? Date.parse(items[0]!.ts) : 0
  const last = Math.max(first, ...items.map((i) => Date.parse(i.ts) + (i.duration_ms ?? 0)))
  return {
    tokens,
    cost,
    errors,
    llm: count.llm_call!,
    tool: count.tool_call!,
    http: count.http_call!,
    calls: count.llm_call! + count.tool_call! + count.http_call!,
    spanMs: last - first,
  }
}
