import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLiveServer } from '../helpers/live-server.js'
import type { LiveServer } from '../helpers/live-server.js'

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
const INDEX = `<!doctype html><html><head><title>AgentTrail</title><script type="module" src="/assets/x.js"></script></head><body><div id="root"></div></body></html>\n`
// Big and repetitive enough that gzip pays.
const SCRIPT = `export const views = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `view-${i}`))}\n`

/** A request exactly as written: fetch would normalise `/a/../b` before sending it. */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the web dashboard served at /', () => {
  let live: LiveServer
  let root: string
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'agenttrail-dashboard-'))
    const dist = join(root, 'dist')
    mkdirSync(join(dist, 'assets'), { recursive: true })
    writeFileSync(join(dist, 'index.html'), INDEX)
    writeFileSync(join(dist, 'assets', 'x.js'), SCRIPT)
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')
    // A file beside the build that no request may reach.
    writeFileSync(join(root, 'secret.txt'), 'not for the web')
    live = await startLiveServer('sqlite', { AGENTTRAIL_DASHBOARD_DIR: dist })
  })
  afterAll(async () => {
    await live.close()
    rmSync(root, { recursive: true, force: true })
  })
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${live.url}${path}`, { headers })

  it('serves index.html at / with the strict CSP and the security headers, revalidated on each load', async () => {
    const res = await get('/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toBe(CSP)
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(await res.text()).toBe(INDEX)
  })

  it('serves hashed assets with their type, cached for a year as immutable', async () => {
    const res = await get('/assets/x.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toBe(SCRIPT)
    const icon = await get('/favicon.svg')
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
    expect(icon.headers.get('cache-control')).toBe('no-cache')
  })

  it('sends gzip to a client that accepts it, and plain bytes to one that does not', async () => {
    for (const accept of ['gzip', 'br, gzip;q=0.5', '*']) {
      const res = await get('/assets/x.js', { 'accept-encoding': accept })
      expect(res.headers.get('content-encoding'), accept).toBe('gzip')
      expect(res.headers.get('vary')).toBe('Accept-Encoding')
    }
    // Node's fetch decodes gzip itself; a raw request shows the bytes on the wire.
    const { hostname, port } = new URL(live.url)
    const wire = await new Promise<{ encoding?: string; length: number; body: Buffer }>(
      (resolve, reject) => {
        const req = request(
          { hostname, port, path: '/assets/x.js', headers: { 'accept-encoding': 'gzip' } },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () =>
              resolve({
                encoding: res.headers['content-encoding'],
                length: Number(res.headers['content-length']),
                body: Buffer.concat(chunks),
              }),
            )
          },
        )
        req.on('error', reject)
        req.end()
      },
    )
    expect(wire.encoding).toBe('gzip')
    expect(wire.length).toBe(wire.body.length)
    expect(wire.length).toBeLessThan(Buffer.byteLength(SCRIPT))
    expect(gunzipSync(wire.body).toString()).toBe(SCRIPT)
    for (const accept of ['identity', 'gzip;q=0', 'gzip;q=0, *']) {
      const res = await get('/assets/x.js', { 'accept-encoding': accept })
      expect(res.headers.get('content-encoding'), accept).toBeNull()
      expect(await res.text()).toBe(SCRIPT)
    }
  })

  it('answers 304 to a request that holds the current ETag, per encoding', async () => {
    const first = await get('/', { 'accept-encoding': 'identity' })
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/)
    const again = await get('/', { 'accept-encoding': 'identity', 'if-none-match': etag! })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect(await again.text()).toBe('')
    const weak = await get('/', { 'accept-encoding': 'identity', 'if-none-match': `W/${etag}` })
    expect(weak.status).toBe(304)
    const stale = await get('/', { 'accept-encoding': 'identity', 'if-none-match': '"old"' })
    expect(stale.status).toBe(200)
    // The gzip form is another representation with its own tag.
    const gz = await get('/assets/x.js', { 'accept-encoding': 'gzip' })
    const gzTag = gz.headers.get('etag')!
    expect(gzTag).not.toBe(
      (await get('/assets/x.js', { 'accept-encoding': 'identity' })).headers.get('etag'),
    )
    expect(
      (await get('/assets/x.js', { 'accept-encoding': 'gzip', 'if-none-match': gzTag })).status,
    ).toBe(304)
  })

  it('answers HEAD with the headers and no body', async () => {
    const res = await fetch(`${live.url}/assets/x.js`, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'identity' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(SCRIPT)))
    expect(await res.text()).toBe('')
  })

  it('serves index.html for client routes, and keeps the JSON 404 under the API prefixes', async () => {
    for (const path of [
      '/events',
      '/agents/billing-bot',
      '/settings/keys?tab=1',
      '/agents/team%2Fbot',
    ]) {
      const res = await get(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-security-policy')).toBe(CSP)
      expect(await res.text()).toBe(INDEX)
    }
    for (const path of ['/api/v1/nope', '/api/nope', '/v1/nope', '/sdk/nope', '/assets/gone.js']) {
      const res = await get(path)
      expect(res.status, path).toBe(404)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await res.json()).toMatchObject({ code: 'not_found' })
    }
    // API routes keep precedence over the app.
    const health = await get('/healthz')
    expect(health.headers.get('content-type')).toMatch(/^application\/json/)
    expect(health.headers.get('x-content-type-options')).toBe('nosniff')
    // Only GET and HEAD reach the app.
    const post = await fetch(`${live.url}/events`, { method: 'POST' })
    expect(post.status).toBe(404)
    expect(await post.json()).toMatchObject({ code: 'not_found' })
  })

  it('refuses every path that tries to step out of the build folder', async () => {
    // Encoded separators survive URL parsing and reach the server: refused outright.
    for (const path of [
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/index.html%00.js',
      '/%E0%A4%A',
    ]) {
      const res = await rawGet(live.url, path)
      expect(res.status, path).toBe(404)
      expect(JSON.parse(res.body), path).toMatchObject({ code: 'not_found' })
    }
    // Plain and %2e dot segments are resolved by the URL parser within the root: a client route.
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt']) {
      const res = await rawGet(live.url, path)
      expect(res, path).toEqual({ status: 200, body: INDEX })
    }
    // A raw back slash is not a valid request target.
    const slash = await rawGet(live.url, '/assets/..\\..\\secret.txt')
    expect(slash.status).toBe(400)
    expect(slash.body).not.toContain('not for the web')
  })
})

describe('a server whose dashboard is not built', () => {
  let live: LiveServer
  let empty: string
  beforeAll(async () => {
    empty = mkdtempSync(join(tmpdir(), 'agenttrail-no-dashboard-'))
    live = await startLiveServer('sqlite', { AGENTTRAIL_DASHBOARD_DIR: empty })
  })
  afterAll(async () => {
    await live.close()
    rmSync(empty, { recursive: true, force: true })
  })

  it('answers / with a 404 page that says how to build it, and still serves the API', async () => {
    const res = await fetch(`${live.url}/`)
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('content-security-policy')).toBe(CSP)
    const html = await res.text()
    expect(html).toContain('The dashboard is not built')
    expect(html).toContain('npm run build')
    expect(html).toContain('AGENTTRAIL_DASHBOARD_DIR')
    expect(html).not.toContain(empty)
    expect((await fetch(`${live.url}/healthz`)).status).toBe(200)
    const api = await fetch(`${live.url}/api/v1/nope`)
    expect(await api.json()).toMatchObject({ code: 'not_found' })
  })

  it('serves a build made while the server runs', async () => {
    writeFileSync(join(empty, 'index.html'), INDEX)
    const res = await fetch(`${live.url}/overview`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(INDEX)
  })
})
