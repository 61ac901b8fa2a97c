import { normalizeStatus } from '@agenttrail/protocol'

/** The filters the server does not apply to a stream; `agent` and `environment` it applies. */
export interface StreamFilterFlags {
  kind?: string
  status?: string
  service?: string
  action?: string
  model?: string
}

/**
 * Whether a stream frame passes the client-side filters. Each flag is a comma list (any of them
 * matches); statuses are taken as the server takes them (`failed` is `error`, `blocked` is
 * `denied`). Events and actions are filtered; alerts pass, since they are what an operator must
 * not miss. `notBefore` (ms) drops events older than `--since TIME` that the replay brings.
 */
export function streamMatcher(
  flags: StreamFilterFlags,
  notBefore?: number,
): (type: string, data: Record<string, unknown>) => boolean {
  const list = (text: string | undefined) =>
    text === undefined
      ? undefined
      : new Set(
          text
            .split(',')
            .map((w) => w.trim())
            .filter(Boolean),
        )
  const kinds = list(flags.kind)
  const statuses = list(flags.status)
  const normalized = statuses && new Set([...statuses].map((word) => normalizeStatus(word) ?? word))
  const services = list(flags.service)
  const actions = list(flags.action)
  const models = list(flags.model)
  const has = (set: Set<string> | undefined, value: unknown) =>
    set === undefined || (typeof value === 'string' && set.has(value))
  return (type, data) => {
    if (type === 'alert.new') return true
    const ts = Date.parse(String(type === 'action.new' ? data.created_at : data.ts))
    if (notBefore !== undefined && ts < notBefore) return false
    if (type === 'action.new')
      return (
        kinds === undefined &&
        models === undefined &&
        has(normalized, normalizeStatus(String(data.status)) ?? data.status) &&
        has(services, data.service) &&
        has(actions, data.action)
      )
    return (
      has(kinds, data.kind) &&
      has(normalized, data.status) &&
      has(services, data.service) &&
      has(actions, data.action) &&
      has(models, data.model)
    )
  }
}
