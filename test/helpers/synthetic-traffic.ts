import type { AppendItem } from '../../packages/server/src/store/store.js'
import type { AgentProfile, HourOverride } from '../../bench/synthetic-traffic.js'
import { syntheticFields } from '../../bench/synthetic-traffic.js'
import { newEvent } from './events.js'

export type { AgentProfile, HourOverride }
export { businessRate } from '../../bench/synthetic-traffic.js'

/** One hour of seeded synthetic traffic (bench/synthetic-traffic.js) as the store's append items. */
export function syntheticHour(
  orgId: string,
  hour: number,
  profiles: readonly AgentProfile[],
  seed: number,
  overrides: ReadonlyMap<string, HourOverride> = new Map(),
): AppendItem[] {
  return syntheticFields(hour, profiles, seed, overrides).map((fields) => ({
    orgId,
    event: newEvent(fields, fields.ts),
  }))
}
