import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeHttpFetch } from '../../packages/sdk/src/node-http-fetch.js'

describe('the node:http transport the SDK uses on Node', () => {
  let url = ''
  const seen: Array<{
    method?: string
    headers: Record<string, unknown>
    body: string
    socket: number
  }> = []
  const sockets = new Map<unknown, number>()
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size)
      seen.push({
        method: req.method,
        headers: req.headers,
        body,
        socket: sockets.get(req.socket) as number,
      })
      if (req.url === '/slow') return setTimeout(() => res.end('late'), 2_000)
      res.writeHead(req.url === '/missing' ? 404 : 201, {
        'content-type': 'application/json',
        'retry-after': '3',
        'set-cookie': ['a=1', 'b=2'],
      })
      res.end(JSON.stringify({ echo: body, é: 'ü' }))
    })
  })
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const fetchLike = nodeHttpFetch()

  it('sends method, headers and body, and reads status, headers and UTF-8 text', async () => {
    const res = await fetchLike!(`${url}/api`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer k' },
      body: '{"a":1}',
    })
    expect(res.status).toBe(201)
    expect(res.ok).toBe(true)
    expect(res.headers.get('Retry-After')).toBe('3')
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2')
    expect(res.headers.get('x-none')).toBeNull()
    expect(JSON.parse(await res.text())).toEqual({ echo: '{"a":1}', é: 'ü' })
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      body: '{"a":1}',
      headers: { authorization: 'Bearer k' },
    })
    const missing = await fetchLike!(`${url}/missing`, { method: 'GET', headers: {} })
    expect([missing.status, missing.ok]).toEqual([404, false])
  })

  it('reuses one keep-alive connection for calls made one after another', async () => {
    const before = seen.length
    for (let i = 0; i < 5; i++)
      await (await fetchLike!(`${url}/again`, { method: 'GET', headers: {} })).text()
    expect(new Set(seen.slice(before).map((s) => s.socket)).size).toBe(1)
  })

  it('aborts when the signal fires, and refuses a signal already aborted', async () => {
    const controller = new AbortController()
    const pending = fetchLike!(`${url}/slow`, {
      method: 'GET',
      headers: {},
      signal: controller.signal,
    })
    setTimeout(() => controller.abort(), 50)
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    await expect(
      fetchLike!(`${url}/api`, { method: 'GET', headers: {}, signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    })
  })

  it('reports a refused connection with its code', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    await expect(
      fetchLike!(`http://127.0.0.1:${port}/`, { method: 'GET', headers: {} }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})
