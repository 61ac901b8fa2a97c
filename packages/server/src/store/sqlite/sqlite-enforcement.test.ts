import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { normalizeEvent } from '@agenttrail/protocol'
import type { NewEvent } from '@agenttrail/protocol'
import { StoreError } from '../../app-error.js'
import type { Enforcement } from '../../control/enforcement.js'
import { openSqliteStore } from './sqlite-store.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-enforcement-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const REASON = 'judged by the injected module'

/** An enforcement step that flags every action, as a module file the writer thread can import. */
function fakeEnforcement(): Enforcement {
  const file = join(dir, 'fake-enforcement.mjs')
  writeFileSync(
    file,
    `export const enforcement = {
  module: import.meta.url,
  judges: () => true,
  *event() {
    return { note: { decision: 'violation', rule: 'budget', reason: ${JSON.stringify(REASON)} }, records: [] }
  },
  *check() {
    throw new Error('no check in this test')
  },
  free: () => undefined,
}
`,
  )
  return {
    module: pathToFileURL(file).href,
    judges: () => true,
    // eslint-disable-next-line require-yield
    *event() {
      return { note: { decision: 'violation', rule: 'budget', reason: REASON }, records: [] }
    },
    // eslint-disable-next-line require-yield
    *check() {
      throw new Error('no check in this test')
    },
    free: () => undefined,
  }
}

function action(): NewEvent {
  const result = normalizeEvent(
    { kind: 'action', agent: 'bot', action: 'refund' },
    { now: Date.now() },
  )
  if (!result.ok) throw new Error('the test event is not valid')
  return result.event
}

describe('the embedded store runs the enforcement step its options name', () => {
  for (const writer of ['inline', 'thread'] as const)
    it(`in the ${writer} writer`, async () => {
      const store = openSqliteStore({
        path: join(dir, `${writer}.db`),
        writer,
        enforce: fakeEnforcement(),
      })
      try {
        // An org with a rule: only then does the append run the step.
        await store.control.createPolicy(
          'org',
          {
            name: null,
            agent_name: null,
            environment: null,
            rule_type: 'service_blocklist',
            rule_config: { services: ['nothing'] },
            enabled: true,
            priority: 0,
          },
          Date.now(),
        )
        const [outcome] = await store.events.append([{ orgId: 'org', event: action() }])
        expect(outcome?.control).toEqual({ decision: 'violation', rule: 'budget', reason: REASON })
      } finally {
        await store.close()
      }
    })

  it('fails the writes with a clear error when the module exports no enforcement', async () => {
    const file = join(dir, 'empty.mjs')
    writeFileSync(file, 'export const other = 1\n')
    const store = openSqliteStore({
      path: join(dir, 'empty.db'),
      enforce: { ...fakeEnforcement(), module: pathToFileURL(file).href },
    })
    try {
      const failure = await store.events.append([{ orgId: 'org', event: action() }]).then(
        () => undefined,
        (error: unknown) => error,
      )
      // The store's error names the operation only; the thread's own message is its cause.
      expect(failure).toBeInstanceOf(StoreError)
      expect(((failure as StoreError).cause as Error).message).toMatch(/exports no `enforcement`/)
    } finally {
      await store.close()
    }
  })
})
