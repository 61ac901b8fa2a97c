export interface AgentProfile {
  agent: string
  environment?: string
  /** Mean actions in the hour starting at `t`. */
  rate: (t: number) => number
  /** Chance that an action fails. Default 0.01. */
  errorRate?: number
  /** Services the agent calls, chosen at random. Default `['openai', 'search']`. */
  services?: string[]
}

/** One hour's actions of one agent, overridden: a spike, failures, a service. */
export interface HourOverride {
  /** Actions in the hour (instead of a draw). */
  count?: number
  /** Multiplies the drawn count. */
  factor?: number
  /** How many of the hour's actions fail (instead of draws). */
  errors?: number
  /** Every action of the hour calls this service. */
  service?: string
  kind?: string
}

export function businessRate(t: number, scale?: number): number
export function poisson(random: () => number, lambda: number): number
export function syntheticFields(
  hour: number,
  profiles: readonly AgentProfile[],
  seed: number,
  overrides?: ReadonlyMap<string, HourOverride>,
): Array<Record<string, unknown> & { ts: number }>
