import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestApp } from '../helpers/test-app.js'
import type { Dialect, TestApp } from '../helpers/test-app.js'

/** A test app whose data folder (and so its archives) is a fresh temporary folder. */
export interface WiroApp extends TestApp {
  dataDir: string
  /** POSTs to `/v1/UserAgent/<path>` with `x-api-key`, the body as given (text is sent as is). */
  wiro<T = any>(
    path: string,
    body: string | object,
    key?: string,
  ): Promise<{ status: number; body: T; headers: Headers }>
  /** Appends ActivityEvents for an agent through LogsIngest; returns its guid. */
  ingest(events: object[], agent?: string, key?: string): Promise<string>
}

export async function createWiroApp(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<WiroApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agenttrail-wiro-'))
  const t = await createTestApp(
    { AGENTTRAIL_DATA_DIR: dataDir, AGENTTRAIL_ARCHIVE_RETENTION_DAYS: '3650', ...env },
    dialect,
  )
  const wiro: WiroApp['wiro'] = (path, body, key = t.adminKey) =>
    t.json('POST', `/v1/UserAgent/${path}`, {
      headers: { 'x-api-key': key },
      ...(typeof body === 'string' ? { raw: body } : { body }),
    })
  return {
    ...t,
    dataDir,
    wiro,
    async ingest(events, agent = 'blog-bot', key = t.adminKey) {
      const res = await wiro('LogsIngest', { agent, events }, key)
      if (res.body?.result !== true) throw new Error(`ingest failed: ${JSON.stringify(res.body)}`)
      return res.body.useragentguid as string
    },
    async close() {
      await t.close()
      await rm(dataDir, { recursive: true, force: true })
    },
  }
}

/** The example body with the agent's real guid in place of the documented one. */
export const withGuid = (body: string, docGuid: string, guid: string) => body.replace(docGuid, guid)

/** `YYYY-MM-DD` of a time. */
export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)
export const DAY_MS = 86_400_000
