import pg from 'pg'
import { expect, it } from 'vitest'
import { newEvent } from '../../../../../test/helpers/events.js'
import { freshDatabase } from '../../../../../test/helpers/postgres.js'
import { openPostgresStore } from './postgres-store.js'
import { enforcement } from '../../control/engine.js'

it('stores a system prompt once per org however many calls share it', async () => {
  const url = await freshDatabase()
  const store = await openPostgresStore({ url, enforce: enforcement })
  const call = (orgId: string) => ({
    orgId,
    event: newEvent({ conversation_id: 'c', kind: 'llm_call', system_prompt: 'You are terse.' }),
  })
  await Promise.all([
    store.events.append([call('org-a'), call('org-a')]),
    store.events.append([call('org-a'), call('org-b')]),
  ])
  const [first] = (await store.conversations.timeline('org-a', 'c', { limit: 10 }))!.items
  expect(await store.conversations.systemPrompt('org-a', first!.system_prompt_sha256!)).toBe(
    'You are terse.',
  )
  await store.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query('SELECT org_id, sha256 FROM system_prompts ORDER BY org_id')
    expect(rows).toEqual([
      { org_id: 'org-a', sha256: first!.system_prompt_sha256 },
      { org_id: 'org-b', sha256: first!.system_prompt_sha256 },
    ])
  } finally {
    await client.end()
  }
})
