import { useQuery } from '@tanstack/react-query'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { JsonText } from '../../components/json-text'
import { ErrorBox, Loading } from '../../components/page'
import { formatDuration, formatTime } from '../../lib/format'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'
import { eventHref } from './event-href'
import { formatCost } from './format-cost'
import type { CallDetail } from './conversation-types'
import { Messages, PlainText, RateLimit, Section, TokenTable, ToolCalls } from './call-sections'

const present = (v: unknown) => v !== null && v !== undefined

/**
 * One call in full: system prompt, messages, response, thinking, tool calls with their results,
 * error, tokens, cost, stop reason and rate-limit headers. Every payload is a text node.
 */
export function CallDetailPanel({
  conversationId,
  eventId,
}: {
  conversationId: string
  eventId: string
}) {
  const environment = useEnvironment()
  const call = useQuery({
    queryKey: ['conversations', 'call', conversationId, eventId],
    queryFn: ({ signal }) =>
      api<CallDetail>(
        `/api/v1/conversations/${encodeURIComponent(conversationId)}/calls/${encodeURIComponent(eventId)}`,
        { signal },
      ),
    staleTime: Infinity,
  })
  if (call.isPending) return <Loading what="Loading the call" />
  if (call.error) return <ErrorBox error={call.error} />
  const c = call.data
  const isLlm = c.kind === 'llm_call'
  return (
    <div className="call-detail">
      <h2 className="call-title">
        {c.title ??
          c.model ??
          c.tool?.name ??
          (c.http ? `${c.http.method ?? ''} ${c.http.url ?? ''}` : c.kind)}
        <span className={`badge ${c.status}`}>{c.status}</span>
      </h2>
      <dl className="facts">
        <dt>Kind</dt>
        <dd>{c.kind}</dd>
        {c.model || c.provider ? (
          <>
            <dt>Model</dt>
            <dd>{[c.provider, c.model].filter(Boolean).join(' / ')}</dd>
          </>
        ) : null}
        <dt>Agent</dt>
        <dd>
          {c.agent ?? '—'} <span className="muted">({c.environment})</span>
        </dd>
        <dt>Time</dt>
        <dd>{formatTime(c.ts)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(c.duration_ms)}</dd>
        {c.stop_reason ? (
          <>
            <dt>Stop reason</dt>
            <dd>{c.stop_reason}</dd>
          </>
        ) : null}
        <dt>Cost</dt>
        <dd>
          {formatCost(c.cost_usd)}
          {c.cost_source ? <span className="muted"> ({c.cost_source})</span> : null}
        </dd>
        {c.http ? (
          <>
            <dt>HTTP</dt>
            <dd className="mono">
              {c.http.method} {c.http.url} → {c.http.status ?? '—'}
            </dd>
          </>
        ) : null}
        {c.trace_id ? (
          <>
            <dt>Trace</dt>
            <dd className="mono">
              <Link href={hrefWithEnv(`/traces/${encodeURIComponent(c.trace_id)}`, environment)}>
                {c.trace_id}
              </Link>
            </dd>
          </>
        ) : null}
        <dt>Event</dt>
        <dd className="mono">
          <Link href={eventHref(c.id, environment)} title="Open in Events">
            {c.id}
          </Link>
        </dd>
      </dl>
      {present(c.error) ? (
        <Section title="Error">
          <JsonText value={c.error} label="Error" />
        </Section>
      ) : null}
      {isLlm || c.tokens.total !== null || c.tokens.input !== null ? (
        <Section title="Tokens">
          <TokenTable tokens={c.tokens} />
        </Section>
      ) : null}
      {c.system_prompt ? (
        <Section title="System prompt">
          {c.system_prompt.text === null ? (
            <p className="muted">Only its SHA-256 was recorded.</p>
          ) : (
            <PlainText text={c.system_prompt.text} label="System prompt" />
          )}
          <div className="muted small mono">sha256 {c.system_prompt.sha256}</div>
        </Section>
      ) : null}
      {present(c.messages) ? (
        <Section title="Messages">
          <Messages messages={c.messages} />
        </Section>
      ) : null}
      {c.thinking ? (
        <Section title="Thinking">
          <PlainText text={c.thinking} label="Thinking" />
        </Section>
      ) : null}
      {c.response_text !== null ? (
        <Section title="Response">
          <PlainText text={c.response_text} label="Response" />
        </Section>
      ) : null}
      {c.tool_calls.length > 0 ? (
        <Section title={`Tool calls (${c.tool_calls.length})`}>
          <ToolCalls calls={c.tool_calls} />
        </Section>
      ) : null}
      {c.rate_limit && Object.keys(c.rate_limit).length > 0 ? (
        <Section title="Rate-limit headers">
          <RateLimit headers={c.rate_limit} />
        </Section>
      ) : null}
      {present(c.request) ? (
        <details className="call-raw">
          <summary>{isLlm ? 'Request, as logged' : 'Input'}</summary>
          <JsonText value={c.request} label="Request" />
        </details>
      ) : null}
      {present(c.response) ? (
        <details className="call-raw" open={!isLlm && c.response_text === null}>
          <summary>{isLlm ? 'Response, as logged' : 'Output'}</summary>
          <JsonText value={c.response} label="Response as logged" />
        </details>
      ) : null}
    </div>
  )
}
