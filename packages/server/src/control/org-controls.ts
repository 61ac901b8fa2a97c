import type { AgentStatus } from './control-types.js'
import type { BudgetRecord } from './budget-record.js'
import type { PolicyRecord, RuleConfigs, RuleType } from './policy-rules.js'
import { compileSafePattern } from './safe-regex.js'
import type { SafePattern } from './safe-regex.js'

/** A policy ready to evaluate: its patterns compiled once per version of the org's controls. */
export type CompiledPolicy = {
  [K in RuleType]: {
    id: string
    agent: string | null
    environment: string | null
    priority: number
    type: K
    config: RuleConfigs[K]
    patterns: SafePattern[]
  }
}[RuleType]

/**
 * Everything the control plane needs to know about an org to decide, as of one `control_version`
 * (every change of a policy, a budget or an agent's status moves it on, in the same transaction).
 */
export interface OrgControls {
  version: number
  /** Enabled policies, highest priority first, then oldest first. */
  policies: CompiledPolicy[]
  budgets: BudgetRecord[]
  /** `environment \0 name` of agents that are not active. */
  stopped: Map<string, Exclude<AgentStatus, 'active'>>
}

export const agentKey = (environment: string, name: string) => `${environment}\u0000${name}`

export function compileControls(
  version: number,
  policies: readonly PolicyRecord[],
  budgets: readonly BudgetRecord[],
  stopped: ReadonlyArray<{ environment: string; name: string; status: AgentStatus }>,
): OrgControls {
  const compiled = policies
    .filter((p) => p.enabled)
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        a.created_at.localeCompare(b.created_at) ||
        a.id.localeCompare(b.id),
    )
    .map((p) => {
      const patterns =
        p.rule_type === 'payload_regex_block'
          ? (p.rule_config as RuleConfigs['payload_regex_block']).patterns.map((s) =>
              compileSafePattern(
                s,
                (p.rule_config as RuleConfigs['payload_regex_block']).case_insensitive,
              ),
            )
          : []
      return {
        id: p.id,
        agent: p.agent_name,
        environment: p.environment,
        priority: p.priority,
        type: p.rule_type,
        config: p.rule_config,
        patterns,
      } as CompiledPolicy
    })
  const map = new Map<string, Exclude<AgentStatus, 'active'>>()
  for (const a of stopped)
    if (a.status !== 'active') map.set(agentKey(a.environment, a.name), a.status)
  return { version, policies: compiled, budgets: [...budgets], stopped: map }
}

/** True when the org has nothing that could refuse or flag an action. */
export const unrestricted = (c: OrgControls) =>
  c.policies.length === 0 && c.budgets.length === 0 && c.stopped.size === 0

export const policiesFor = (c: OrgControls, environment: string, agent: string) =>
  c.policies.filter(
    (p) =>
      (p.environment === null || p.environment === environment) &&
      (p.agent === null || p.agent === agent),
  )

/** The agent's own budgets first, then the org-wide ones of its environment. */
export const budgetsFor = (c: OrgControls, environment: string, agent: string) =>
  c.budgets
    .filter(
      (b) => b.environment === environment && (b.agent_name === null || b.agent_name === agent),
    )
    .sort((a, b) => (a.agent_name === null ? 1 : 0) - (b.agent_name === null ? 1 : 0))
