import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { newEvent } from '../../../../../test/helpers/events.js'
import { openSqliteStore } from './sqlite-store.js'
import { enforcement } from '../../control/engine.js'

const dir = mkdtempSync(join(tmpdir(), 'agenttrail-prompts-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('stores a system prompt once per org however many calls share it (writer thread)', async () => {
  const path = join(dir, 'store.db')
  const store = openSqliteStore({ path, enforce: enforcement })
  const call = (orgId: string) => ({
    orgId,
    event: newEvent({ conversation_id: 'c', kind: 'llm_call', system_prompt: 'You are terse.' }),
  })
  await store.events.append([call('org-a'), call('org-a')])
  await store.events.append([call('org-a'), call('org-b')])
  const [first] = (await store.conversations.timeline('org-a', 'c', { limit: 10 }))!.items
  expect(await store.conversations.systemPrompt('org-a', first!.system_prompt_sha256!)).toBe(
    'You are terse.',
  )
  await store.close()
  const db = new Database(path, { readonly: true })
  try {
    const rows = db.prepare('SELECT org_id, sha256 FROM system_prompts ORDER BY org_id').all()
    expect(rows).toEqual([
      { org_id: 'org-a', sha256: first!.system_prompt_sha256 },
      { org_id: 'org-b', sha256: first!.system_prompt_sha256 },
    ])
    const hashes = db
      .prepare("SELECT DISTINCT system_prompt_sha256 AS h FROM events WHERE org_id = 'org-a'")
      .all()
    expect(hashes).toEqual([{ h: first!.system_prompt_sha256 }])
  } finally {
    db.close()
  }
})
