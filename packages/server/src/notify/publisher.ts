import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { Store } from '../store/store.js'
import { createMailer, mailConfigured } from './channels/email.js'
import { createDeliver } from './deliver.js'
import { createDispatcher } from './dispatcher.js'
import type { Dispatcher } from './dispatcher.js'
import { createOutbound, parseOutboundAllow } from './outbound.js'
import type { OutboundAllow } from './outbound.js'
import { createSecretBox, loadSecretKey } from './secret-box.js'
import type { SecretBox } from './secret-box.js'

/** What the routes need of the publish stage. */
export interface PublishDeps {
  secrets: SecretBox
  /** Destinations the operator allowed although private (`AGENTTRAIL_OUTBOUND_ALLOW`). */
  allow: OutboundAllow
  /** Whether e-mail channels can send (`AGENTTRAIL_SMTP_URL` and `AGENTTRAIL_SMTP_FROM`). */
  mailConfigured: boolean
  /** Starts a delivery pass soon (a test send, a redelivery); nothing before `start`. */
  wake(): void
}

export interface Publisher {
  deps: PublishDeps
  /** Starts the dispatcher (server.ts; in-memory test apps do not). */
  start(): Dispatcher
  stop(): Promise<void>
}

/**
 * The publish stage put together from the config: outbound requests guarded against private
 * addresses, the channels, the mailer, and the dispatcher that makes every delivery.
 */
export function createPublisher(options: {
  config: Config
  store: Store
  logger: Logger
  secrets: SecretBox
}): Publisher {
  const { config, store, logger, secrets } = options
  const allow = parseOutboundAllow(config.outboundAllow)
  const outbound = createOutbound({ allow, timeoutMs: config.deliveryTimeoutMs })
  const canMail = mailConfigured(config)
  const mailer =
    canMail && config.smtpUrl && config.smtpFrom
      ? createMailer({ smtpUrl: config.smtpUrl, from: config.smtpFrom })
      : undefined
  const deliver = createDeliver({
    outbound,
    secrets,
    events: store.events,
    channels: { pagerdutyUrl: config.pagerdutyUrl, ...(mailer && { mailer }) },
    publicUrl: config.publicUrl,
  })
  let dispatcher: Dispatcher | undefined
  let unsubscribe = () => {}
  return {
    deps: { secrets, allow, mailConfigured: canMail, wake: () => dispatcher?.wake() },
    start() {
      dispatcher ??= createDispatcher({
        store: store.notify,
        deliver,
        logger,
        pollMs: config.deliveryPollMs,
        // Longer than an attempt can last, so a live attempt is never taken twice.
        leaseMs: config.deliveryTimeoutMs * 2 + 5_000,
        ...(config.deliveryRetryDelaysMs && { retryDelaysMs: config.deliveryRetryDelaysMs }),
      })
      // Woken by every commit of any server on the store, so a delivery follows its commit at once.
      const started = dispatcher
      unsubscribe = store.commits.subscribeAll(() => started.wake())
      return dispatcher
    },
    stop: async () => {
      unsubscribe()
      await dispatcher?.stop()
    },
  }
}

/**
 * The server's secret box (`AGENTTRAIL_SECRET_KEY`, or `<dataDir>/secret.key`). `eager` loads the
 * key now, so a bad key stops the server at start; otherwise on first use, so an app that never
 * stores a secret never creates the key file.
 */
export function serverSecretBox(
  config: Pick<Config, 'secretKey' | 'dataDir'>,
  eager: boolean,
): SecretBox {
  const load = () =>
    createSecretBox(loadSecretKey({ configured: config.secretKey, dataDir: config.dataDir }))
  if (eager) return load()
  let box: SecretBox | undefined
  return {
    seal: (plain) => (box ??= load()).seal(plain),
    open: (sealed) => (box ??= load()).open(sealed),
  }
}
