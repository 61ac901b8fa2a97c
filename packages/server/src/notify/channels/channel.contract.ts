import { afterEach, describe, expect, it } from 'vitest'
import { sampleAnnouncement } from '../../../../../test/helpers/announcements.js'
import { notificationOf } from '../notification.js'
import type { Channel, ChannelDeps } from './channel.js'

/** A channel under contract: configs it must refuse, and a receiver that fails for now. */
export interface ChannelCase<C> {
  channel: Channel<C>
  /** A config it accepts. */
  good: unknown
  /** Configs it must refuse, each with the field its error must name (`config.webhook_url`). */
  bad: Array<{ raw: unknown; field: string }>
  /**
   * A config and deps that reach a loopback receiver failing for now (HTTP 500, SMTP 451) and
   * echoing what it got; `secrets` must appear in no result text.
   */
  failing(): Promise<{ config: C; deps: ChannelDeps; secrets: string[]; close(): Promise<void> }>
}

/** What every notification channel promises, run over each one by channels.test.ts. */
export function describeChannelContract<C>(name: string, make: () => ChannelCase<C>): void {
  describe(`${name} channel contract`, () => {
    const closers: Array<() => Promise<void>> = []
    afterEach(async () => {
      await Promise.all(closers.splice(0).map((c) => c()))
    })

    it('accepts a good config', () => {
      const c = make()
      expect(c.channel.parseConfig(c.good)).toMatchObject({ ok: true })
    })

    it('refuses bad configs with an error naming the field', () => {
      const c = make()
      for (const { raw, field } of [
        ...c.bad,
        { raw: null, field: 'config' },
        { raw: 'x', field: 'config' },
      ]) {
        const parsed = c.channel.parseConfig(raw)
        expect(parsed.ok, JSON.stringify(raw)).toBe(false)
        if (!parsed.ok) expect(parsed.error.startsWith(`${field}: `), parsed.error).toBe(true)
      }
    })

    it('names only fields of its config as secrets', () => {
      const c = make()
      const parsed = c.channel.parseConfig(c.good)
      if (!parsed.ok) throw new Error(parsed.error)
      for (const f of c.channel.secretFields)
        expect(Object.keys(parsed.config as object)).toContain(f)
    })

    it('reports a receiver failing for now as not ok and not permanent, without its secrets', async () => {
      const c = make()
      const { config, deps, secrets, close } = await c.failing()
      closers.push(close)
      const n = notificationOf(sampleAnnouncement('agent.killed'), 'https://trail.example.com')
      const result = await c.channel.send(config, n, deps)
      expect(result.ok).toBe(false)
      expect(result.permanent ?? false).toBe(false)
      expect(result.error).toBeTruthy()
      const text = `${result.error ?? ''} ${result.responseBody}`
      for (const s of secrets) expect(text).not.toContain(s)
    })
  })
}
