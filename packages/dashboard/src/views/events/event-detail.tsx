import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { JsonText } from '../../components/json-text'
import { formatDuration, formatNumber, formatTime, formatUsd } from '../../lib/format'
import { hrefWithEnv, useEnvironment } from '../../lib/url-state'
import type { ControlNote, EventDetail } from './event-model'
import { EventProof } from './event-proof'

const DECISION_TEXT: Record<ControlNote['decision'], string> = {
  denied: 'Refused before it ran',
  approval_required: 'Held for a human approval',
  violation: 'Recorded as breaking a rule',
}

/** The payload fields, in the order a person debugging reads them. */
const PAYLOADS = [
  ['input', 'Input'],
  ['output', 'Output'],
  ['error', 'Error'],
  ['messages', 'Messages'],
  ['tool_calls', 'Tool calls'],
  ['thinking', 'Thinking'],
  ['metadata', 'Metadata'],
  ['context', 'Context'],
  ['rate_limit', 'Rate-limit headers'],
] as const

function empty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === 'object' && Object.keys(value).length === 0)
  )
}

/** The event's facts, control decision, evaluations and payloads; every payload as text. */
export function EventDetailBody({ event: e }: { event: EventDetail }) {
  const environment = useEnvironment()
  const facts: [string, ReactNode][] = [
    ['Time', `${formatTime(e.ts)} (received ${formatTime(e.received_at)})`],
    ['Status', <span className={`badge ${e.status}`}>{e.status}</span>],
    ['Kind', e.kind],
    ['Agent', e.agent],
    ['Environment', e.environment],
    ['Service', e.service],
    ['Action', e.action],
    ['User', e.user],
    ['Model', e.model && [e.provider, e.model].filter(Boolean).join(' / ')],
    ['Duration', e.duration_ms === null ? null : formatDuration(e.duration_ms)],
    [
      'Tokens',
      e.tokens_total === null
        ? null
        : `${formatNumber(e.tokens_total)} (in ${formatNumber(e.tokens_input)}, out ${formatNumber(e.tokens_output)}, cache read ${formatNumber(e.tokens_cache_read)}, cache write ${formatNumber(e.tokens_cache_write)})`,
    ],
    [
      'Cost',
      e.cost_usd === null ? null : `${formatUsd(e.cost_usd)} (${e.cost_source ?? 'client'})`,
    ],
    ['Stop reason', e.stop_reason],
    [
      'Trace',
      e.trace_id && (
        <Link href={hrefWithEnv(`/traces/${encodeURIComponent(e.trace_id)}`, environment)}>
          {e.trace_id}
        </Link>
      ),
    ],
    ['Span', e.span_id && `${e.span_id}${e.parent_span_id ? ` (parent ${e.parent_span_id})` : ''}`],
    [
      'Conversation',
      e.conversation_id && (
        <Link
          href={hrefWithEnv(`/conversations/${encodeURIComponent(e.conversation_id)}`, environment)}
        >
          {e.conversation_id}
        </Link>
      ),
    ],
    ['Tags', e.tags.length ? e.tags.join(', ') : null],
    ['Id', <span className="mono">{e.id}</span>],
    ['Seq', formatNumber(e.seq)],
    [
      'System prompt',
      e.system_prompt_sha256 && <span className="mono">sha256 {e.system_prompt_sha256}</span>,
    ],
  ]
  return (
    <>
      {e.control ? <ControlDecision note={e.control} /> : null}
      <dl className="facts">
        {facts
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .map(([k, v]) => (
            <div key={k} className="fact">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {e.evaluations.length > 0 ? (
        <section aria-labelledby="evaluations-title">
          <h3 id="evaluations-title">Evaluations</h3>
          <table className="simple">
            <thead>
              <tr>
                <th scope="col">Score</th>
                <th scope="col">Label</th>
                <th scope="col">Feedback</th>
                <th scope="col">By</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {e.evaluations.map((v) => (
                <tr key={v.id}>
                  <td>{v.score}</td>
                  <td>{v.label ?? '—'}</td>
                  <td>{v.feedback ?? '—'}</td>
                  <td>{v.evaluated_by ?? '—'}</td>
                  <td>{formatTime(v.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {PAYLOADS.filter(([field]) => !empty(e[field])).map(([field, label]) => (
        <section key={field} aria-label={label}>
          <h3>{label}</h3>
          <JsonText value={e[field]} label={label} />
        </section>
      ))}
      <EventProof event={e} />
    </>
  )
}

/** Why the control plane stopped, held or flagged this action: the rule and the reason given. */
function ControlDecision({ note }: { note: ControlNote }) {
  const source = note.policy_id
    ? `policy ${note.policy_id}`
    : note.budget_id
      ? `budget ${note.budget_id}`
      : note.rule.replace(/_/g, ' ')
  return (
    <section
      className={`control-note ${note.decision === 'violation' ? 'warn' : 'bad'}`}
      aria-label="Control decision"
    >
      <h3>{DECISION_TEXT[note.decision]}</h3>
      <p>{note.reason}</p>
      <p className="muted">
        Rule: {note.rule.replace(/_/g, ' ')} · by {source}
        {note.approval_id ? ` · approval ${note.approval_id}` : ''}
      </p>
    </section>
  )
}
