import { z } from 'zod'
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js'
import { listText } from '../render.js'
import { READS, defineTool, name } from '../trail-tool.js'
import type { TrailTool } from '../trail-tool.js'

const Agent = z.object({
  name: z.string(),
  environment: z.string(),
  status: z.enum(['active', 'paused', 'killed']),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
  events: z.number(),
  errors: z.number(),
  tokens_total: z.number(),
  cost_usd: z.number(),
})

const ROWS = 100

export const agentStatus = defineTool({
  name: 'agent_status',
  title: 'Agents and their status',
  description:
    'Every agent seen (one row per environment), most recently active first: active, paused or killed, first and last seen, events, errors, tokens and cost. Give `name` for one agent.',
  scope: 'read',
  writes: false,
  inputSchema: {
    name: name('Only this agent.').optional(),
    environment: name('Only this environment.').optional(),
  },
  outputSchema: {
    agents: z.array(Agent),
    omitted: z.number().describe('Rows beyond 100 left out.'),
  },
  annotations: READS,
  async run({ name: agentName, environment }, { reader }) {
    const rows = agentName
      ? ((await reader.agent(agentName, { environment })).environments as Record<string, unknown>[])
      : await reader.agents({ environment })
    const agents = rows.slice(0, ROWS).map((a) => ({
      name: String(a.name),
      environment: String(a.environment),
      status: a.status as 'active' | 'paused' | 'killed',
      first_seen: (a.first_seen as string | null) ?? null,
      last_seen: (a.last_seen as string | null) ?? null,
      events: Number(a.events),
      errors: Number(a.errors),
      tokens_total: Number(a.tokens_total),
      cost_usd: Number(a.cost_usd),
    }))
    const line = (a: z.infer<typeof Agent>) =>
      `${a.name} (${a.environment}): ${a.status}, ${a.events} events, ${a.errors} errors, $${a.cost_usd}, last seen ${a.last_seen ?? 'never'}`
    return {
      structured: { agents, omitted: Math.max(0, rows.length - ROWS) },
      text: listText(`${agents.length} agent(s):`, agents.map(line)),
    }
  },
})

/** pause_agent, resume_agent and kill_agent: `POST /api/v1/agents/{name}/{verb}` (scope control). */
function controlTool(
  verb: 'pause' | 'resume' | 'kill',
  description: string,
  annotations: ToolAnnotations,
): TrailTool {
  return defineTool({
    name: `${verb}_agent`,
    title: `${verb[0]!.toUpperCase()}${verb.slice(1)} an agent`,
    description: `${description} Needs the control scope; recorded in the trail as an audit event.`,
    scope: 'control',
    writes: true,
    inputSchema: {
      name: name('The agent name.'),
      environment: name('Its environment. Default production.').default('production'),
    },
    outputSchema: {
      agent: z.string(),
      environment: z.string(),
      status: z.string().describe('Its status now: active, paused or killed.'),
      changed: z.boolean().describe('False when it already was in that status.'),
    },
    annotations,
    async run({ name: agentName, environment }, { trail }) {
      const { agent, status, changed } = await trail()[`${verb}Agent`](agentName, { environment })
      const structured = { agent, environment, status, changed }
      const what = structured.changed ? 'is now' : 'already was'
      return {
        structured,
        text: `${structured.agent} (${structured.environment}) ${what} ${structured.status}.`,
      }
    },
  })
}

export const pauseAgent = controlTool(
  'pause',
  'Pause an agent: its checks are refused until it is resumed.',
  // Destructive as the issue asks: it stops an agent's work in production, though resume undoes it.
  { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
)
export const resumeAgent = controlTool(
  'resume',
  'Resume a paused agent. A killed agent cannot be resumed.',
  { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
)
export const killAgent = controlTool(
  'kill',
  'Kill an agent for good: every later action is refused and it can never be resumed.',
  { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
)
