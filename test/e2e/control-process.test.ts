import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnServer } from '../helpers/process.js'
import type { ServerProcess } from '../helpers/process.js'

const KEY = 'at_control_in_a_real_process_0123456789ab'
const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }
let server: ServerProcess | undefined
const dir = mkdtempSync(join(tmpdir(), 'agenttrail-control-e2e-'))
afterAll(() => {
  if (server?.proc.exitCode === null) server.proc.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${server?.url}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('the control plane in a real server process on the embedded store', () => {
  it('matches large payloads in the matching thread, from the writer thread, and refuses what exceeds the time bound', async () => {
    server = await spawnServer(dir, { AGENTTRAIL_INIT_API_KEY: KEY })
    expect(
      (
        await post('/api/v1/policies', {
          rule_type: 'payload_regex_block',
          rule_config: { patterns: ['\\bDROP TABLE\\b'] },
        })
      ).status,
    ).toBe(201)
    const large = 'select 1; '.repeat(20_000)
    expect(
      (await post('/api/v1/check', { agent: 'bot', input: `${large} DROP TABLE users` })).body,
    ).toMatchObject({
      allowed: false,
      rule: 'payload_regex_block',
    })
    expect((await post('/api/v1/check', { agent: 'bot', input: large })).body.allowed).toBe(true)
    expect(
      (
        await post('/api/v1/policies', {
          rule_type: 'payload_regex_block',
          rule_config: { patterns: ['(?:[a-z]{1,30}){1,15}[0-9]'] },
        })
      ).status,
    ).toBe(201)
    const heavy = await post('/api/v1/check', { agent: 'bot', input: 'abcdefghij'.repeat(25_000) })
    expect(heavy.body.blockReason).toBe(
      'Policy: input could not be checked against the blocked patterns within 1000 ms',
    )
    // The writer thread goes on: the matching thread it waited for was replaced.
    expect(
      (
        await post('/api/v1/actions', {
          agent: 'bot',
          service: 'db',
          action: 'select',
          input: 'select 1',
        })
      ).status,
    ).toBe(200)
    // A new matching thread answers: an input both patterns clear at once (a large one could take
    // longer than the bound on a loaded machine, and be refused for that, as it should).
    expect((await post('/api/v1/check', { agent: 'bot', input: 'select 1' })).body.allowed).toBe(
      true,
    )
  })
})
