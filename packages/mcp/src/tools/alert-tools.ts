import { z } from 'zod'
import { LIST_MAX_CHARS, cutFields } from '../compact.js'
import { listText } from '../render.js'
import { READS, defineTool, name } from '../trail-tool.js'

const Row = z.record(z.string(), z.unknown())

export const listAlerts = defineTool({
  name: 'list_alerts',
  title: 'List alerts',
  description:
    'Alerts newest first: policy violations, budget warnings and overruns, kills, error-rate and cost rules. Unacknowledged only unless `all`.',
  scope: 'read',
  writes: false,
  inputSchema: {
    all: z.boolean().default(false).describe('Acknowledged alerts too. Default false.'),
    state: z.enum(['firing', 'resolved']).optional().describe('Default both.'),
    agent: name('Only this agent’s alerts.').optional(),
    environment: name('Only this environment.').optional(),
    limit: z.number().int().min(1).max(100).default(20).describe('Default 20.'),
  },
  outputSchema: { alerts: z.array(Row) },
  annotations: READS,
  async run(args, { reader }) {
    const alerts = (await reader.alerts(args)).map(({ history: _history, ...alert }) =>
      cutFields(alert, LIST_MAX_CHARS, 'the dashboard or GET /api/v1/alerts/{id} has all of it'),
    )
    const line = (a: Record<string, unknown>) =>
      `${String(a.created_at)} ${String(a.severity)} ${String(a.state)} ${String(a.alert_type)} ${String(a.agent_name ?? '')}: ${String(a.message)} id=${String(a.id)}`
    return {
      structured: { alerts },
      text: listText(`${alerts.length} alert(s), newest first:`, alerts.map(line)),
    }
  },
})
