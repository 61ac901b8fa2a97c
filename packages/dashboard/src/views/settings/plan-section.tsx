import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { api } from '../../api/client'
import { useStreamFrames } from '../../api/stream'
import { ErrorBox, Loading, StatCard } from '../../components/page'
import { formatNumber, formatPercent } from '../../lib/format'
import type { OrgUsage } from './settings-types'

const limitText = (n: number | null, unit: string) =>
  n === null ? 'no limit' : `${formatNumber(n)} ${unit}`

/**
 * The org's plan and this month's usage (`GET /api/v1/org/usage`, read scope): events received
 * this UTC month against the plan's monthly limit, which is what the server enforces.
 */
export function PlanSection() {
  const client = useQueryClient()
  const usage = useQuery({
    queryKey: ['org-usage'],
    queryFn: () => api<OrgUsage>('/api/v1/org/usage'),
  })
  // New events count against the month: read the usage again a second after the first new
  // event, once per burst however many arrive.
  const timer = useRef<number | undefined>(undefined)
  useEffect(() => () => window.clearTimeout(timer.current), [])
  useStreamFrames((frame) => {
    if (frame.type !== 'event.new' || timer.current !== undefined) return
    timer.current = window.setTimeout(() => {
      timer.current = undefined
      void client.invalidateQueries({ queryKey: ['org-usage'] })
    }, 1000)
  })
  if (usage.isPending) return <Loading what="Loading the plan" />
  if (usage.error) return <ErrorBox error={usage.error} />
  const { plan, logs, month, period } = usage.data
  const fraction = logs.limit === null ? null : logs.used / logs.limit
  const tone = fraction === null ? '' : fraction >= 1 ? 'bad' : fraction >= 0.8 ? 'warn' : ''
  const until = new Date(Date.parse(period.to) - 1).toISOString().slice(0, 10)
  return (
    <div className="settings-section">
      <div className="cards">
        <StatCard label="Plan" value={plan.name} sub="Set by the operator of this server" />
        <StatCard
          label={`Events this month (${month})`}
          value={formatNumber(logs.used)}
          sub={logs.limit === null ? 'no monthly limit' : `of ${formatNumber(logs.limit)}`}
          tone={tone === 'bad' ? 'bad' : undefined}
        />
        <StatCard
          label="Remaining this month"
          value={logs.remaining === null ? 'unlimited' : formatNumber(logs.remaining)}
          sub={`until ${until} (UTC)`}
        />
      </div>
      <section className="panel" aria-labelledby="usage-title">
        <h2 id="usage-title">Monthly events</h2>
        {fraction === null ? (
          <p className="muted">
            The {plan.name} plan has no monthly limit: {formatNumber(logs.used)} events received
            since {period.from.slice(0, 10)}.
          </p>
        ) : (
          <>
            <div
              className="bar usage-bar"
              role="progressbar"
              aria-label="Events used this month"
              aria-valuemin={0}
              aria-valuemax={logs.limit ?? 0}
              aria-valuenow={logs.used}
            >
              <div
                className={`bar-fill ${tone}`}
                style={{ width: `${Math.min(1, fraction) * 100}%` }}
              />
            </div>
            <p>
              {formatNumber(logs.used)} of {formatNumber(logs.limit)} ({formatPercent(fraction)})
              used.{' '}
              {fraction >= 1
                ? 'New events are refused until the month ends or the plan changes.'
                : ''}
            </p>
          </>
        )}
        <dl className="facts">
          <dt>Monthly events</dt>
          <dd>{limitText(plan.logs_per_month, 'events')}</dd>
          <dt>Retention</dt>
          <dd>
            {plan.retention_days === null
              ? 'kept until deleted'
              : `${formatNumber(plan.retention_days)} days`}
          </dd>
          <dt>Ingest rate</dt>
          <dd>{limitText(plan.requests_per_minute, 'requests per minute')}</dd>
        </dl>
        <p className="muted">
          Usage counts events by the time the server received them, in UTC calendar months;
          duplicates are not counted and deleted events still are. The operator changes the plan
          with <code>agenttrail orgs plan</code>.
        </p>
      </section>
    </div>
  )
}
