import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger, createServices, loadConfig } from '@agenttrail/server'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const PLAN_REFUSAL =
  'The plan is set by the operator of this AgentTrail server, not with an API key: agenttrail orgs plan org-a --name <plan> ' +
  '(see docs/operations.md, "Plans"). Nothing was changed.'

describe.each(DIALECTS)(
  'PATCH /api/v1/org/settings: the plan is the operator’s, changes never lost (%s)',
  (dialect) => {
    let t: TestApp
    beforeEach(async () => {
      t = await createTestApp({}, dialect)
    })
    afterEach(() => t.close())

    const patch = (body: unknown, key = t.adminKey) =>
      t.json('PATCH', '/api/v1/org/settings', { key, body })
    const current = async () =>
      (await t.json('GET', '/api/v1/org/settings', { key: t.adminKey })).body

    it('refuses a plan in the body with 403 naming the CLI command, and changes nothing else sent with it', async () => {
      await t.setPlan({ name: 'free' })
      for (const body of [
        { plan: { name: 'enterprise' } },
        { plan: {} },
        { plan: null, require_registered_agents: true },
      ]) {
        const res = await patch(body)
        expect(res.status).toBe(403)
        expect(res.body).toEqual({ error: PLAN_REFUSAL, code: 'forbidden' })
      }
      // GET still shows the plan the operator set, and nothing else changed.
      expect(await current()).toMatchObject({
        plan: { name: 'free', logs_per_month: 1_000, retention_days: 7, requests_per_minute: 100 },
        require_registered_agents: false,
      })
      expect((await patch({ require_registered_agents: true })).body.plan.name).toBe('free')
    })

    it('refuses bad input by field, and a key without the admin scope', async () => {
      const bad = await patch({
        redaction: { enabled: 'yes', colour: 'red' },
        require_registered_agents: 1,
      })
      expect(bad.status).toBe(400)
      expect(bad.body.code).toBe('validation_failed')
      expect(bad.body.details.map((d: { path: string }) => d.path).sort()).toEqual([
        'redaction',
        'redaction.enabled',
        'require_registered_agents',
      ])
      for (const raw of ['[]', '"plan"', '{"plan": ']) {
        const res = await t.json('PATCH', '/api/v1/org/settings', { key: t.adminKey, raw })
        expect(res.status).toBe(400)
      }
      const ingest = await t.key('org-a', ['ingest', 'read'])
      expect((await patch({ require_registered_agents: true }, ingest)).status).toBe(403)
      expect((await current()).require_registered_agents).toBe(false)
    })

    it('keeps every one of concurrent changes of different keys', async () => {
      const results = await Promise.all([
        patch({ require_registered_agents: true }),
        patch({ redaction: { field_names: ['ssn'] } }),
        patch({ redaction: { enabled: false } }),
        patch({ redaction: { allow_field_names: ['token_count'] } }),
      ])
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200])
      expect(await current()).toMatchObject({
        require_registered_agents: true,
        redaction: { enabled: false, field_names: ['ssn'], allow_field_names: ['token_count'] },
      })
    })

    it('merges with the stored settings, not with a process’s cached copy', async () => {
      // A second server process on the same store, whose settings cache is warm before the first one changes anything.
      const config = loadConfig({
        AGENTTRAIL_LOG_LEVEL: 'silent',
        AGENTTRAIL_RATE_LIMIT_PER_SECOND: '0',
      })
      const other = createServices(config, t.store, createLogger('silent'))
      const viaOther = async (method: string, body?: unknown) => {
        const res = await other.app.hono.request('/api/v1/org/settings', {
          method,
          headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return {
          status: res.status,
          body: (await res.json()) as {
            require_registered_agents: boolean
            redaction: { field_names: string[] }
          },
        }
      }
      expect((await viaOther('GET')).body.redaction.field_names).toEqual([])
      expect((await patch({ redaction: { field_names: ['ssn'] } })).status).toBe(200)
      const changed = await viaOther('PATCH', { require_registered_agents: true })
      expect(changed.status).toBe(200)
      expect(changed.body).toMatchObject({
        require_registered_agents: true,
        redaction: { field_names: ['ssn'] },
      })
      expect(await current()).toMatchObject({
        require_registered_agents: true,
        redaction: { field_names: ['ssn'] },
      })
      await other.committer.drain()
    })
  },
)
