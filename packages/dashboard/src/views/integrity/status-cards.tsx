import { StatCard } from '../../components/page'
import { formatAgo, formatNumber } from '../../lib/format'
import type { LogStatus } from '../../api/log'

/** Tree size against the trail, the latest checkpoint and its age, the events it does not cover yet. */
export function StatusCards({ status, now }: { status: LogStatus; now: number }) {
  const latest = status.latest_checkpoint
  return (
    <div className="cards">
      <StatCard
        label="Tree size"
        value={formatNumber(status.tree_size)}
        sub={`trail seq ${formatNumber(status.trail_seq)}${status.tree_size === status.trail_seq ? ' (equal)' : ''}`}
        tone={status.tree_size === status.trail_seq ? 'good' : 'bad'}
      />
      <StatCard
        label="Latest checkpoint"
        value={latest ? `${formatNumber(latest.tree_size)} leaves` : 'none yet'}
        sub={latest ? `signed ${formatAgo(latest.created_at, now)}` : undefined}
      />
      <StatCard
        label="Not yet checkpointed"
        value={formatNumber(status.lag_events)}
        sub="events after the latest checkpoint"
      />
      <StatCard
        label="Signing key"
        value={<span className="mono">{status.key_id ?? 'none'}</span>}
        sub="key id (signed-note, Ed25519)"
      />
    </div>
  )
}
