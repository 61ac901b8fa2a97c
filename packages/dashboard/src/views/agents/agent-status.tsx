import type { Agent } from '../../api/types'
import { formatAgo, formatNumber, formatTime, formatUsd } from '../../lib/format'
import { AgentControls } from './agent-controls'

/** An agent's status in each environment it works in, with its counts and controls. */
export function AgentStatus({ name, rows }: { name: string; rows: Agent[] }) {
  return (
    <section className="panel table-panel" aria-labelledby="agent-envs-title">
      <h2 id="agent-envs-title">Status</h2>
      <table className="simple" aria-label={`Status of ${name} per environment`}>
        <thead>
          <tr>
            <th scope="col">Environment</th>
            <th scope="col">Status</th>
            <th scope="col" className="right">
              Events
            </th>
            <th scope="col" className="right">
              Errors
            </th>
            <th scope="col" className="right">
              Cost
            </th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
            <th scope="col">Control</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.environment}>
              <td>{a.environment}</td>
              <td>
                <span className={`badge ${a.status}`}>{a.status}</span>
              </td>
              <td className="right">{formatNumber(a.events)}</td>
              <td className="right">{formatNumber(a.errors)}</td>
              <td className="right">{formatUsd(a.cost_usd)}</td>
              <td className="mono">{formatTime(a.first_seen)}</td>
              <td title={formatTime(a.last_seen)}>{formatAgo(a.last_seen)}</td>
              <td>
                <AgentControls agent={a} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
