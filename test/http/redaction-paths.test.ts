import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DIALECTS, createTestApp } from '../helpers/test-app.js'
import type { TestApp } from '../helpers/test-app.js'

const FIELD_SECRET = 'hunter2-field-value'
const KEY_IN_TEXT = 'sk-proj-Zq9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1'

/** One request per ingest path, each carrying a secret in a field and a key in text. */
const PATHS: Array<[string, string, () => unknown]> = [
  [
    'native event',
    '/api/v1/events',
    () => ({ agent: 'a', input: { password: FIELD_SECRET }, output: `key ${KEY_IN_TEXT}` }),
  ],
  [
    'native batch',
    '/api/v1/events/batch',
    () => ({
      events: [{ agent: 'a', input: { password: FIELD_SECRET }, output: `key ${KEY_IN_TEXT}` }],
    }),
  ],
  [
    'AgentLedger action',
    '/api/v1/actions',
    () => ({
      agent: 'a',
      service: 's',
      action: 'x',
      metadata: { password: FIELD_SECRET },
      input: `key ${KEY_IN_TEXT}`,
    }),
  ],
  [
    'AgentLedger batch',
    '/api/v1/actions/batch',
    () => ({
      actions: [
        {
          agent: 'a',
          service: 's',
          action: 'x',
          metadata: { password: FIELD_SECRET },
          output: `key ${KEY_IN_TEXT}`,
        },
      ],
    }),
  ],
  [
    'Logwick log',
    '/api/v1/logs',
    () => ({
      agent: 'a',
      action: 'x',
      metadata: { password: FIELD_SECRET },
      input: `key ${KEY_IN_TEXT}`,
    }),
  ],
  [
    'AgentWarden log',
    '/sdk/log',
    () => ({
      agent_id: 'a',
      action: 'x',
      status: 'success',
      context: { password: FIELD_SECRET, note: `key ${KEY_IN_TEXT}` },
    }),
  ],
  [
    'Wiro activity',
    '/v1/UserAgent/LogsIngest',
    () => ({
      agent: 'a',
      events: [
        {
          kind: 'tool_completed',
          tool: 'exec',
          title: `key ${KEY_IN_TEXT}`,
          summary: { password: FIELD_SECRET },
        },
      ],
    }),
  ],
]

describe.each(DIALECTS)('secret redaction on every ingest path (%s)', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp({}, dialect)
  })
  afterEach(() => t.close())

  it.each(PATHS)('%s (%s) stores neither secret', async (_name, path, body) => {
    const res = await t.request('POST', path, { key: t.adminKey, body: body() })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
    const { events } = (await (
      await t.request('GET', '/api/v1/events?limit=10', { key: t.adminKey })
    ).json()) as { events: object[] }
    expect(events).toHaveLength(1)
    const stored = JSON.stringify(events)
    expect(stored).not.toContain(FIELD_SECRET)
    expect(stored).not.toContain(KEY_IN_TEXT)
    expect(stored.match(/\[REDACTED\]/g)?.length).toBe(2)
    const search = await t.request('GET', `/api/v1/events?q=${KEY_IN_TEXT}`, { key: t.adminKey })
    expect(((await search.json()) as { events: unknown[] }).events).toHaveLength(0)
  })
})
