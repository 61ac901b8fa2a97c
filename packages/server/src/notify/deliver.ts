import type { EventStore } from '../store/store.js'
import type { ClaimedDelivery } from '../store/notify-store.js'
import { isTopic } from '../store/outbox-rows.js'
import type { Topic } from '../store/outbox-rows.js'
import { CHANNELS, isChannelName } from './channels/channels.js'
import type { ChannelDeps } from './channels/channel.js'
import type { Delivered } from './dispatcher.js'
import { notificationOf } from './notification.js'
import type { Outbound } from './outbound-types.js'
import type { SecretBox } from './secret-box.js'
import { signedHeaders } from './sign.js'

/** Topics of test sends (`POST /api/v1/webhooks/{id}/test`, `/notifications/{id}/test`). */
export const TEST_TOPIC = 'webhook.test'

export interface DeliverDeps {
  outbound: Outbound
  secrets: SecretBox
  /** Where a rollback hook's context (the agent's last completed actions) is read. */
  events: Pick<EventStore, 'query'>
  channels: Omit<ChannelDeps, 'outbound'>
  publicUrl: string | undefined
  now?: () => number
}

/** Actions sent as a rollback hook's context (AgentLedger's documented 50). */
const ROLLBACK_CONTEXT = 50

/**
 * One attempt of a delivery, by the subscription's kind: a signed webhook, a rollback call (signed
 * the same way, with the agent's last completed actions), or a channel's message. The body is made
 * on the first attempt and kept: a retry sends the same bytes.
 */
export function createDeliver(deps: DeliverDeps): (d: ClaimedDelivery) => Promise<Delivered> {
  const now = deps.now ?? Date.now
  const signedPost = async (d: ClaimedDelivery, body: string) => {
    const { secret, url } = d.subscription
    if (secret === null || url === null) throw new Error('the subscription has no URL or secret')
    const headers = signedHeaders({
      secret: deps.secrets.open(secret),
      deliveryId: d.id,
      event: d.topic,
      body,
      nowMs: now(),
    })
    // A rollback call also carries the headers AgentLedger's rollback receivers read (signed with
    // the hook's own secret: a key derived from the hook's id could be forged by anyone who saw it).
    if (d.subscription.kind === 'rollback') {
      headers['X-AgentLedger-Rollback-Signature'] = headers['X-AgentLedger-Signature'] as string
      headers['X-AgentLedger-Rollback-Trigger'] = d.topic
    }
    const result = await deps.outbound.post({ url, headers, body })
    return { body, result }
  }

  const webhookBody = (d: ClaimedDelivery) =>
    // Compact JSON exactly as JSON.stringify writes it, so a receiver that verifies the signature
    // over a re-serialized body (AgentLedger's documented snippet) computes the same bytes.
    JSON.stringify({
      event: d.topic,
      timestamp: new Date(d.announced_at).toISOString(),
      data: JSON.parse(d.data) as unknown,
    })

  const rollbackBody = async (d: ClaimedDelivery) => {
    const data = JSON.parse(d.data) as Record<string, unknown>
    const agent = d.agent ?? (typeof data.agent === 'string' ? data.agent : null)
    const page =
      agent === null
        ? { items: [] }
        : await deps.events.query(
            d.orgId,
            { agent, environment: d.environment, status: 'success', to: d.announced_at + 1 },
            { limit: ROLLBACK_CONTEXT },
          )
    const config: unknown =
      d.subscription.config === null ? null : JSON.parse(d.subscription.config)
    return JSON.stringify({
      trigger: d.topic,
      agent,
      environment: d.environment,
      trace_context: {
        actions: page.items.map((e) => ({
          id: e.id,
          kind: e.kind,
          service: e.service,
          action: e.action,
          status: e.status,
          cost_cents: e.cost_usd === null ? 0 : Math.round(e.cost_usd * 1e6) / 1e4,
          trace_id: e.trace_id,
          created_at: e.ts,
        })),
      },
      ...(config !== null && { config }),
      timestamp: new Date(d.announced_at).toISOString(),
    })
  }

  const notify = async (d: ClaimedDelivery): Promise<Delivered> => {
    const { channel, config } = d.subscription
    if (channel === null || !isChannelName(channel) || config === null)
      throw new Error('the subscription names no known channel')
    const parsed = CHANNELS[channel].parseConfig(JSON.parse(deps.secrets.open(config)))
    if (!parsed.ok) throw new Error(`the stored config is no longer valid (${parsed.error})`)
    const test = d.topic === TEST_TOPIC
    const topic: Topic = test ? 'alert.created' : isTopic(d.topic) ? d.topic : 'alert.created'
    const n = notificationOf(
      {
        orgId: d.orgId,
        topic,
        data: test
          ? {
              alert_type: 'test',
              severity: 'info',
              message: 'A test notification from AgentTrail: this channel works.',
            }
          : d.data,
        createdAt: d.announced_at,
        eventId: d.event_id,
      },
      deps.publicUrl,
    )
    const result = await CHANNELS[channel].send(parsed.config, n, {
      ...deps.channels,
      outbound: deps.outbound,
    })
    return { body: JSON.stringify(n), result }
  }

  return async (d) => {
    switch (d.subscription.kind) {
      case 'webhook':
        return signedPost(d, d.body ?? webhookBody(d))
      case 'rollback':
        return signedPost(d, d.body ?? (await rollbackBody(d)))
      case 'notification':
        return notify(d)
    }
  }
}
