import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ControlRule } from '@agenttrail/protocol'
import { FIELD_SECRET, INGEST_PATHS, KEY_IN_TEXT } from './ingest-paths.js'
import type { ContractCheck, IngestPath, Refusal } from './ingest-paths.js'
import { createTestApp } from './test-app.js'
import type { Dialect, TestApp } from './test-app.js'

type Answer = Awaited<ReturnType<TestApp['json']>>

/**
 * The guarantees every ingest path of every surface gives, run for each row of `INGEST_PATHS` on
 * one store (as Hono's router suite runs one case file against every router). Each test has an org
 * of its own, so one app serves the whole suite. A row skips a check only by naming it with a reason.
 */
export function describeSurfaceContract(
  dialect: Dialect,
  paths: readonly IngestPath[] = INGEST_PATHS,
): void {
  describe(`surface contract (${dialect})`, () => {
    let t: TestApp
    let orgs = 0
    beforeAll(async () => {
      t = await createTestApp({}, dialect)
    })
    afterAll(() => t.close())

    /** A new org with an admin key. */
    async function newOrg() {
      const orgId = `contract-${++orgs}`
      return { orgId, key: await t.key(orgId, ['admin']) }
    }

    describe.each(paths)('$name ($surface: $path)', (row) => {
      const check = (name: ContractCheck, title: string, fn: () => Promise<void>) => {
        const reason = row.skip?.[name]
        if (reason === undefined) it(`${name}: ${title}`, fn)
        else it.skip(`${name}: ${title} (skipped: ${reason})`)
      }

      const send = (key: string, body: unknown, headers: Record<string, string> = {}) =>
        t.json('POST', row.path, { key, body, headers })
      /** The org's events, audit records aside, newest first. */
      const stored = async (key: string) => {
        const res = await t.json('GET', '/api/v1/events?limit=100', { key })
        return (res.body.events as Array<Record<string, any>>).filter((e) => e.kind !== 'audit')
      }
      const expectRefusal = (res: Answer, refusal: Refusal) => {
        expect(res.status, JSON.stringify(res.body)).toBe(refusal.status)
        expect(row.errorBody.safeParse(res.body).error).toBeUndefined()
      }
      /** Told the event was stored: a 2xx, and for Wiro (which answers errors with 200) `result`. */
      const acknowledged = (res: Answer) =>
        res.status >= 200 &&
        res.status < 300 &&
        (res.body as { result?: unknown })?.result !== false

      check('redaction', 'stores neither the secret field nor the key in text', async () => {
        const { key } = await newOrg()
        const res = await send(key, row.body('bot'))
        expect(res.status, JSON.stringify(res.body)).toBe(row.accepted)
        const events = await stored(key)
        expect(events).toHaveLength(1)
        const text = JSON.stringify(events)
        expect(text).not.toContain(FIELD_SECRET)
        expect(text).not.toContain(KEY_IN_TEXT)
        expect(text.match(/\[REDACTED\]/g)?.length).toBe(2)
        const search = await t.json('GET', `/api/v1/events?q=${KEY_IN_TEXT}`, { key })
        expect(search.body.events).toHaveLength(0)
      })

      check(
        'idempotency',
        'replays the first answer for the same key and body, and refuses the key on another body',
        async () => {
          const { key } = await newOrg()
          const headers = { 'Idempotency-Key': 'contract-1' }
          const body = row.body('bot')
          const first = await send(key, body, headers)
          expect(first.status, JSON.stringify(first.body)).toBe(row.accepted)
          const again = await send(key, body, headers)
          expect(again.status).toBe(row.accepted)
          expect(again.body).toEqual(row.replayOf ? row.replayOf(first.body) : first.body)
          expect(again.headers.get('idempotent-replayed')).toBe('true')
          expectRefusal(await send(key, row.body('other-bot'), headers), row.keyReused)
          expect(await stored(key)).toHaveLength(1)
        },
      )

      check(
        'requests per minute',
        "refuses past the plan's requests per minute and says when to retry",
        async () => {
          const { orgId, key } = await newOrg()
          await t.setPlan({ name: 'tiny', requests_per_minute: 1, logs_per_month: null }, orgId)
          expect((await send(key, row.body('bot'))).status).toBe(row.accepted)
          const refused = await send(key, row.body('bot'))
          expectRefusal(refused, row.rateLimited)
          expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
          expect(await stored(key)).toHaveLength(1)
        },
      )

      check('monthly limit', "refuses past the plan's events per month", async () => {
        const { orgId, key } = await newOrg()
        await t.setPlan({ name: 'tiny', requests_per_minute: null, logs_per_month: 1 }, orgId)
        expect((await send(key, row.body('bot'))).status).toBe(row.accepted)
        expectRefusal(await send(key, row.body('bot')), row.monthlyLimit)
        expect(await stored(key)).toHaveLength(1)
      })

      check(
        'unregistered agent',
        'refuses an agent the org has not registered where it requires registration',
        async () => {
          const { key } = await newOrg()
          const settings = await t.json('PATCH', '/api/v1/org/settings', {
            key,
            body: { require_registered_agents: true },
          })
          expect(settings.status).toBe(200)
          expectRefusal(await send(key, row.body('bot')), row.unregistered)
          expect(await stored(key)).toHaveLength(0)
          const registered = await t.json('POST', '/api/v1/agents', { key, body: { name: 'bot' } })
          expect(registered.status).toBe(201)
          expect((await send(key, row.body('bot'))).status).toBe(row.accepted)
        },
      )

      /** Ways to make the agent's next event break a rule (`bot`'s first event is stored already). */
      const breaks: Array<[string, ControlRule, (key: string) => Promise<void>]> = [
        [
          'a killed agent',
          'agent_killed',
          async (key) => {
            expect((await t.json('POST', '/api/v1/agents/bot/kill', { key })).status).toBe(200)
          },
        ],
        [
          'a paused agent',
          'agent_paused',
          async (key) => {
            expect((await t.json('POST', '/api/v1/agents/bot/pause', { key })).status).toBe(200)
          },
        ],
        [
          'a policy',
          'rate_limit',
          async (key) => {
            const policy = await t.json('POST', '/api/v1/policies', {
              key,
              body: {
                name: 'one an hour',
                agent_name: 'bot',
                rule_type: 'rate_limit',
                rule_config: { max_actions: 1, window_seconds: 3600 },
              },
            })
            expect(policy.status).toBe(201)
            // The window counts from the policy on: this event fills it.
            expect((await send(key, row.body('bot'))).status).toBe(row.accepted)
          },
        ],
      ]
      for (const [what, rule, breakRule] of breaks)
        check(
          'control note',
          `records an event of ${what} with the rule it broke, and says so`,
          async () => {
            const { key } = await newOrg()
            expect((await send(key, row.body('bot'))).status).toBe(row.accepted)
            await breakRule(key)
            const res = await send(key, row.body('bot'))
            expect(res.status, JSON.stringify(res.body)).toBe(row.violation.status)
            expect(JSON.stringify(res.body)).toContain(row.violation.names?.(rule) ?? `"${rule}"`)
            const [latest, ...earlier] = await stored(key)
            expect(latest?.control).toMatchObject({ decision: 'violation', rule })
            expect(earlier.length).toBeGreaterThan(0)
            for (const event of earlier) expect(event.control ?? undefined).toBeUndefined()
          },
        )

      check('error body', "answers a validation error in the product's shape", async () => {
        const { key } = await newOrg()
        expectRefusal(await send(key, row.invalid), row.invalidAnswer)
        expect(await stored(key)).toHaveLength(0)
      })

      check(
        'commit before answer',
        'answers only once the event is readable, and never acknowledges a failed append',
        async () => {
          const { orgId, key } = await newOrg()
          const res = await send(key, row.body('bot'))
          expect(res.status).toBe(row.accepted)
          // Straight from the store, with nothing awaited in between.
          const page = await t.store.events.query(orgId, {}, { limit: 10 })
          expect(page.items).toHaveLength(1)

          const append = vi
            .spyOn(t.store.events, 'append')
            .mockRejectedValue(new Error('the disk is full'))
          try {
            const failed = await send(key, row.body('bot'))
            expect(acknowledged(failed), JSON.stringify(failed.body)).toBe(false)
            expect(failed.status === 500 || failed.body?.result === false).toBe(true)
          } finally {
            append.mockRestore()
          }
          expect((await t.store.events.query(orgId, {}, { limit: 10 })).items).toHaveLength(1)
        },
      )
    })
  })
}
