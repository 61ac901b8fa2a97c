import { useMutation, useQuery } from '@tanstack/react-query'
import { withQuery } from '../../api/client'
import type { Agent } from '../../api/types'
import { EmptyState, ErrorBox, Loading } from '../../components/page'
import { useLiveInvalidate } from '../control/use-live-invalidate'
import { dayFile, listDays, saveText } from './wiro-logs'

const DAY_MS = 86_400_000

/** 93 B, 1.2 KB, 3.4 MB */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/**
 * An agent's days of activity in one environment with a download of each day, through Wiro's
 * surface: `LogsList` for the days and `LogsFile` for a day's file (JSON Lines of Wiro's
 * ActivityEvent), as a Wiro client sees them. "All events" downloads the same day as native events
 * (`GET /api/v1/events?format=jsonl`, streamed, no row cap).
 */
export function AgentDays({ agent }: { agent: Pick<Agent, 'name' | 'environment' | 'guid'> }) {
  const days = useQuery({
    queryKey: ['wiro-days', agent.guid],
    queryFn: () => listDays(agent.guid),
  })
  useLiveInvalidate(
    [['wiro-days', agent.guid]],
    (f) => f.type === 'event.new' && f.data.agent === agent.name,
    5000,
  )
  const download = useMutation({
    mutationFn: async (date: string) => {
      const file = await dayFile(agent.guid, date)
      saveText(file.text, `${agent.name}-${agent.environment}-${date}.jsonl`)
      return file
    },
  })
  const title = `Days of activity of ${agent.name} in ${agent.environment}`
  return (
    <div className="form-panel">
      <h3 className="muted">
        {agent.environment} <span className="mono">({agent.guid})</span>
      </h3>
      {days.isPending ? (
        <Loading what="Loading days" />
      ) : days.error ? (
        <ErrorBox error={days.error} />
      ) : days.data.length === 0 ? (
        <EmptyState title="No days of activity kept">
          <p>
            Days appear here once the agent sends events; they are kept as long as retention allows.
          </p>
        </EmptyState>
      ) : (
        <table className="simple days-list" aria-label={title}>
          <thead>
            <tr>
              <th scope="col">Day (UTC)</th>
              <th scope="col" className="right">
                Size
              </th>
              <th scope="col">Stored</th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {days.data.map((d) => {
              const from = Date.parse(`${d.date}T00:00:00Z`)
              const range = {
                agent: agent.name,
                environment: agent.environment,
                from: new Date(from).toISOString(),
                to: new Date(from + DAY_MS).toISOString(),
              }
              return (
                <tr key={d.date}>
                  <td className="mono">{d.date}</td>
                  <td className="right">{formatBytes(d.sizeBytes)}</td>
                  <td>{d.compressed ? 'archived, gzip' : 'plain'}</td>
                  <td>
                    <div className="row-actions">
                      <button
                        type="button"
                        disabled={download.isPending}
                        onClick={() => download.mutate(d.date)}
                        aria-label={`Download the activity file of ${d.date}`}
                      >
                        Activity file
                      </button>
                      <a
                        href={withQuery('/api/v1/events', { ...range, format: 'jsonl' })}
                        download={`${agent.name}-${agent.environment}-${d.date}-events.jsonl`}
                        aria-label={`Download every event of ${d.date} as JSON Lines`}
                      >
                        All events
                      </a>
                    </div>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      {download.data?.truncated ? (
        <p className="muted" role="status">
          That day holds more than 50,000 events: the activity file has the newest 50,000; All
          events has every one.
        </p>
      ) : null}
      <ErrorBox error={download.error} />
    </div>
  )
}

/** The agent's days, one list per environment it works in. */
export function AgentDaysSection({ agents }: { agents: Agent[] }) {
  return (
    <section className="panel table-panel" aria-labelledby="agent-days-title">
      <h2 id="agent-days-title">Days of activity</h2>
      <p className="muted">
        Each UTC day kept for this agent, as Wiro&apos;s activity log lists it; a day downloads as
        its activity file.
      </p>
      {agents.map((a) => (
        <AgentDays key={a.guid} agent={a} />
      ))}
    </section>
  )
}
