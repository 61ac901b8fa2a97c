import type { Notification } from '../notification.js'
import { displayFields } from '../notification.js'
import type { Channel } from './channel.js'
import { configObject, httpOutcome } from './channel.js'
import { truncate } from './text-limits.js'

export interface PagerDutyConfig {
  /** The 32-character integration key of an Events API v2 integration. A secret. */
  routing_key: string
}

/**
 * The Events API v2 body (developer.pagerduty.com, "Send an Alert Event"). A resolve carries only
 * what identifies the alert: the routing key, the action and the dedup key of its trigger.
 */
export function pagerdutyEvent(routingKey: string, n: Notification): Record<string, unknown> {
  if (n.action === 'resolve')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: n.dedupKey }
  const details: Record<string, string> = { org: n.orgId }
  for (const f of displayFields(n)) details[f.name] = f.value
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: n.dedupKey,
    payload: {
      summary: truncate(n.summary, 1024),
      source: 'agenttrail',
      severity: n.severity,
      timestamp: n.timestamp,
      ...(n.agent === null ? {} : { component: n.agent }),
      ...(n.environment === null ? {} : { group: n.environment }),
      class: n.topic,
      custom_details: details,
    },
    ...(n.link === null
      ? {}
      : { links: [{ href: n.link, text: 'Open in AgentTrail' }], client_url: n.link }),
    client: 'AgentTrail',
  }
}

/** 202 is success; 400 is a refused event (permanent); 429 and 5xx are worth retrying. */
export const pagerdutyChannel: Channel<PagerDutyConfig> = {
  name: 'pagerduty',
  secretFields: ['routing_key'],
  parseConfig(raw) {
    const c = configObject(raw)
    if (typeof c === 'string') return { ok: false, error: c }
    const key = c.routing_key
    if (typeof key !== 'string' || !/^[A-Za-z0-9]{32}$/.test(key))
      return { ok: false, error: 'config.routing_key: must be a 32-character integration key' }
    return { ok: true, config: { routing_key: key } }
  },
  async send(config, n, deps) {
    const result = await deps.outbound.post({
      url: deps.pagerdutyUrl,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(pagerdutyEvent(config.routing_key, n)),
    })
    return httpOutcome(result, (s) => s === 202, [config.routing_key])
  },
}
