import { spawn } from 'node:child_process'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'
import { CLI } from '../helpers/process.js'
import { DIALECTS } from '../helpers/test-app.js'
import { callTool, toolNames } from './mcp-client.js'
import { seedTrail } from './mcp-seed.js'
import type { Call, Seeded } from './mcp-seed.js'

/** `agenttrail mcp` as a desktop client starts it: the built CLI, configured by environment. */
async function connectStdio(url: string, key: string, args: string[] = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', ...args],
    env: { AGENTTRAIL_URL: url, AGENTTRAIL_API_KEY: key, PATH: process.env.PATH ?? '' },
    stderr: 'pipe',
  })
  const client = new Client({ name: 'agenttrail-stdio-test', version: '1.0.0' })
  await client.connect(transport)
  return client
}

/** Runs the CLI to its exit without blocking this process (the server answers from here). */
function run(args: string[], env: Record<string, string>, stdin = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const proc = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    proc.once('close', (code) => resolve({ code, stdout, stderr }))
    // Written and closed at once, as `printf ... | agenttrail mcp` does.
    proc.stdin.end(stdin)
  })
}

const fetchCall =
  (base: string): Call =>
  async (method, path, key, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }

// Each test runs the CLI as processes, one after another: on a loaded machine each takes seconds.
describe.each(DIALECTS)(
  'agenttrail mcp over stdio against a running server (%s)',
  { timeout: 120_000 },
  (dialect) => {
    let live: LiveServer
    let seeded: Seeded
    let admin: string
    beforeAll(async () => {
      live = await startLiveServer(dialect)
      admin = await live.key('org-a', ['admin'])
      seeded = await seedTrail(fetchCall(live.url), admin, await live.key('org-a', ['ingest']))
    })
    afterAll(() => live.close())

    it('offers the tools the key’s scopes allow, as whoami tells them', async () => {
      const reader = await connectStdio(live.url, await live.key('org-a', ['read']))
      try {
        const names = await toolNames(reader)
        expect(names).toContain('search_events')
        expect(names).not.toContain('kill_agent')
        expect(names).not.toContain('delete_log')
        expect(names).not.toContain('ingest_log')
      } finally {
        await reader.close()
      }
      const readOnly = await connectStdio(live.url, admin, ['--read-only'])
      try {
        expect(await toolNames(readOnly)).not.toContain('delete_log')
      } finally {
        await readOnly.close()
      }
    })

    it('answers tools from the seeded trail, and deletes a log whose deletion stays findable', async () => {
      const client = await connectStdio(live.url, admin)
      try {
        const found = await callTool(client, 'query_logs', { agent: 'mailer', status: 'error' })
        expect(found.structured.logs.map((l: any) => l.id)).toEqual([seeded.failed])
        const event = await callTool(client, 'get_event', { id: seeded.long })
        expect(event.structured.event.input).toContain(
          '[truncated: 2003 of 3003 characters left out',
        )

        const deleted = await callTool(client, 'delete_log', { id: seeded.failed })
        expect(deleted.structured).toEqual({
          deleted: true,
          id: seeded.failed,
          audit_event_id: expect.any(String),
        })
        const gone = await callTool(client, 'get_log', { id: seeded.failed })
        expect(gone.isError).toBe(true)
        expect(gone.text).toMatch(/404/)
        const audit = await callTool(client, 'get_event', { id: deleted.structured.audit_event_id })
        expect(audit.structured.event).toMatchObject({ kind: 'audit' })
        const again = await callTool(client, 'delete_log', { id: seeded.failed })
        expect(again.isError).toBe(true)
      } finally {
        await client.close()
      }
    })

    it('serves a key the operator chose, with none of the known prefixes; the server judges a wrong one', async () => {
      const chosen = await live.key('org-a', ['read'], undefined, 'operator-chosen-key-0002')
      const client = await connectStdio(live.url, chosen)
      try {
        const found = await callTool(client, 'query_logs', { agent: 'mailer', status: 'error' })
        expect(found.isError).toBe(false)
      } finally {
        await client.close()
      }
      const refused = await run(['mcp'], {
        AGENTTRAIL_URL: live.url,
        AGENTTRAIL_API_KEY: 'operator-chosen-key-9999',
      })
      expect(refused).toMatchObject({ code: 1, stdout: '' })
      expect(refused.stderr).toMatch(/401/)
      expect(refused.stderr).not.toContain('operator-chosen')
    })

    it('answers every request piped in before stdin closed, then exits', async () => {
      const messages = [
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 'printf', version: '1' },
          },
        },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        {
          jsonrpc: '2.0',
          id: 2,
          method: 'tools/call',
          params: { name: 'query_logs', arguments: { agent: 'mailer' } },
        },
      ]
      const piped = await run(
        ['mcp'],
        { AGENTTRAIL_URL: live.url, AGENTTRAIL_API_KEY: admin },
        messages.map((m) => JSON.stringify(m) + '\n').join(''),
      )
      expect(piped.code).toBe(0)
      const answers = piped.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { id: number; result?: any })
      expect(answers.map((a) => a.id)).toEqual([1, 2])
      expect(answers[1]!.result.isError).toBeFalsy()
      expect(answers[1]!.result.structuredContent.logs.length).toBeGreaterThan(0)
    })

    it('prints help, and says on stderr alone when the key is missing or refused', async () => {
      const help = await run(['mcp', '--help'], {})
      expect(help.code).toBe(0)
      expect(help.stdout).toContain('agenttrail mcp [--url URL] [--key KEY] [--read-only]')
      const missing = await run(['mcp', '--url', live.url], {})
      expect(missing).toMatchObject({ code: 2, stdout: '' })
      expect(missing.stderr).toMatch(/no API key/)
      const refused = await run(['mcp'], {
        AGENTTRAIL_URL: live.url,
        AGENTTRAIL_API_KEY: 'at_0000000000000000000000000000000000000000',
      })
      expect(refused).toMatchObject({ code: 1, stdout: '' })
      expect(refused.stderr).toMatch(/401.*API key was refused/)
      expect(refused.stderr).not.toContain('at_0000')
    })
  },
)
