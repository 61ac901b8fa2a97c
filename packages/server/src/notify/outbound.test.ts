import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOutbound, parseOutboundAllow, type LookupFunction } from './outbound.js'
import type { OutboundResult } from './outbound-types.js'

/** A real receiver on 127.0.0.1 that counts the requests reaching each path. */
interface Received {
  path: string
  headers: IncomingMessage['headers']
  body: string
}
const received: Received[] = []
const hits = (path: string) => received.filter((r) => r.path === path).length
const held: ServerResponse[] = []

const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.end('thanks'),
  '/redirect': (res) => {
    res.writeHead(302, { Location: '/target' })
    res.end()
  },
  '/moved': (res) => {
    res.writeHead(307, { Location: `http://127.0.0.1:${port}/target` })
    res.end()
  },
  '/target': (res) => res.end('followed'),
  '/silent': (res) => void held.push(res),
  '/trickle': (res) => {
    res.writeHead(200)
    res.write('partial')
    held.push(res)
  },
  // More than 64 KB and never finished: only a reader that stops at 64 KB settles.
  '/huge': (res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' })
    res.write('é'.repeat(40_000))
    held.push(res)
  },
  '/busy': (res) => {
    res.writeHead(429, { 'Retry-After': '120' })
    res.end('slow down')
  },
  '/busy-until': (res) => {
    res.writeHead(503, { 'Retry-After': new Date(Date.now() + 30_000).toUTCString() })
    res.end()
  },
  '/busy-past': (res) => {
    res.writeHead(503, { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' })
    res.end()
  },
  '/busy-garbled': (res) => {
    res.writeHead(503, { 'Retry-After': 'soon' })
    res.end()
  },
  '/error': (res) => {
    res.writeHead(500)
    res.end('x'.repeat(5000))
  },
}

let server: Server
let port = 0
beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() })
      // `/silent/anything` is answered as `/silent`: tests put secret-looking tails on paths.
      const route = routes[path] ?? routes[`/${path.split('/')[1]}`] ?? routes['/ok']!
      route(res)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  for (const res of held) res.destroy()
  server.closeAllConnections()
  server.close()
  await once(server, 'close')
})

const none = parseOutboundAllow(undefined)
const loopbackAllowed = parseOutboundAllow('127.0.0.1/32')
const post = (url: string, options: Parameters<typeof createOutbound>[0] = { allow: none }) =>
  createOutbound(options).post({ url, headers: { 'X-Test': 'yes' }, body: '{"a":1}' })

/** A lookup seam answering each call with the next address of `answers`, counting calls. */
function scriptedLookup(...answers: string[]): LookupFunction & { calls: string[] } {
  const calls: string[] = []
  const lookup = ((hostname, options, callback) => {
    calls.push(hostname)
    const address = answers[Math.min(calls.length, answers.length) - 1] ?? ''
    const family = address.includes(':') ? 6 : 4
    setImmediate(() => {
      if (options.all) callback(null, [{ address, family }])
      else callback(null, address, family)
    })
  }) as LookupFunction & { calls: string[] }
  lookup.calls = calls
  return lookup
}

function expectBlocked(result: OutboundResult) {
  expect(result).toMatchObject({ ok: false, status: null, permanent: true, responseBody: '' })
  expect(result.error).toMatch(/^blocked_address: /)
}

describe('outbound requests to a real receiver', () => {
  it('posts the body with its headers and the default user agent, and keeps the answer', async () => {
    const before = hits('/ok')
    const result = await post(`http://127.0.0.1:${port}/ok?token=abc`, { allow: loopbackAllowed })
    expect(result).toMatchObject({ ok: true, status: 200, responseBody: 'thanks' })
    expect(result.error).toBeUndefined()
    expect(result.durationMs).toBeGreaterThanOrEqual(0)
    expect(hits('/ok')).toBe(before + 1)
    const last = received.at(-1)!
    expect(last.body).toBe('{"a":1}')
    expect(last.headers['x-test']).toBe('yes')
    expect(last.headers['user-agent']).toBe('AgentTrail-Webhook')
    expect(last.headers['content-length']).toBe('7')
  })

  it('sends a configured user agent, and a request’s own one over it', async () => {
    const outbound = createOutbound({ allow: loopbackAllowed, userAgent: 'Custom/1' })
    await outbound.post({ url: `http://127.0.0.1:${port}/ok`, headers: {}, body: '' })
    expect(received.at(-1)!.headers['user-agent']).toBe('Custom/1')
    const headers = { 'User-Agent': 'Mine/2' }
    await outbound.post({ url: `http://127.0.0.1:${port}/ok`, headers, body: '' })
    expect(received.at(-1)!.headers['user-agent']).toBe('Mine/2')
  })

  it('reports a non-2xx answer by its status, keeping the first 1,000 characters', async () => {
    const result = await post(`http://127.0.0.1:${port}/error`, { allow: loopbackAllowed })
    expect(result).toMatchObject({ ok: false, status: 500 })
    expect(result.responseBody).toBe('x'.repeat(1000))
    expect(result.permanent).toBeUndefined()
  })

  it('does not follow a redirect: 3xx is not ok and the target is never reached', async () => {
    for (const path of ['/redirect', '/moved']) {
      const result = await post(`http://127.0.0.1:${port}${path}`, { allow: loopbackAllowed })
      expect(result).toMatchObject({ ok: false, status: path === '/redirect' ? 302 : 307 })
      expect(result.error).toBe(
        `redirect: http://127.0.0.1:${port} answered ${result.status}; redirects are not followed`,
      )
    }
    expect(hits('/target')).toBe(0)
  })

  it('times out a receiver that never answers, and one that never finishes its answer', async () => {
    for (const path of ['/silent', '/trickle']) {
      const outbound = createOutbound({ allow: loopbackAllowed, timeoutMs: 150 })
      const result = await outbound.post({
        url: `http://127.0.0.1:${port}${path}`,
        headers: {},
        body: '',
      })
      expect(result).toMatchObject({ ok: false, status: null, responseBody: '' })
      expect(result.error).toBe(`timeout: no answer from http://127.0.0.1:${port} within 150 ms`)
      expect(result.durationMs).toBeGreaterThanOrEqual(140)
      expect(result.permanent).toBeUndefined()
    }
  })

  it('lets a request set its own timeout', async () => {
    const outbound = createOutbound({ allow: loopbackAllowed, timeoutMs: 60_000 })
    const url = `http://127.0.0.1:${port}/silent`
    const result = await outbound.post({ url, headers: {}, body: '', timeoutMs: 100 })
    expect(result.error).toMatch(/^timeout: .* within 100 ms$/)
  })

  it('stops reading after 64 KB of an endless answer and keeps 1,000 characters', async () => {
    const outbound = createOutbound({ allow: loopbackAllowed, timeoutMs: 10_000 })
    const result = await outbound.post({
      url: `http://127.0.0.1:${port}/huge`,
      headers: {},
      body: '',
    })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(result.error).toBeUndefined()
    expect(result.responseBody).toBe('é'.repeat(1000))
    expect(result.durationMs).toBeLessThan(10_000)
  })

  it('reads Retry-After as seconds or as an HTTP date', async () => {
    const at = (path: string) => post(`http://127.0.0.1:${port}${path}`, { allow: loopbackAllowed })
    expect(await at('/busy')).toMatchObject({
      status: 429,
      retryAfterMs: 120_000,
      responseBody: 'slow down',
    })
    const until = (await at('/busy-until')).retryAfterMs ?? -1
    // An HTTP date has whole seconds, and some time passes between answer and reading.
    expect(until).toBeGreaterThan(20_000)
    expect(until).toBeLessThanOrEqual(30_000)
    expect((await at('/busy-past')).retryAfterMs).toBe(0)
    expect(await at('/busy-garbled')).not.toHaveProperty('retryAfterMs')
    expect(await at('/ok')).not.toHaveProperty('retryAfterMs')
  })

  it('reports a refused connection as connect, naming only scheme, host and port', async () => {
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const closedPort = (closed.address() as AddressInfo).port
    closed.close()
    await once(closed, 'close')
    const url = `http://127.0.0.1:${closedPort}/services/T0/B0/SECRETPATH?token=SECRETQUERY`
    const result = await post(url, { allow: loopbackAllowed })
    expect(result).toMatchObject({ ok: false, status: null })
    expect(result.error).toBe(
      `connect: no answer from http://127.0.0.1:${closedPort} (ECONNREFUSED)`,
    )
    expect(result.permanent).toBeUndefined()
  })

  it('sends https through the same guarded lookup (a plain-HTTP receiver fails the handshake)', async () => {
    const lookup = scriptedLookup('127.0.0.1')
    const result = await post(`https://tls.example:${port}/ok`, { allow: loopbackAllowed, lookup })
    expect(lookup.calls).toEqual(['tls.example'])
    expect(result).toMatchObject({ ok: false, status: null })
    expect(result.error).toMatch(
      new RegExp(`^connect: no answer from https://tls.example:${port} \\(\\w+\\)$`),
    )
    expectBlocked(await post(`https://tls.example:${port}/ok`, { allow: none, lookup }))
  })

  it('reports a name that cannot be resolved as dns, not permanent', async () => {
    const lookup: LookupFunction = (_host, _options, callback) => {
      const error: NodeJS.ErrnoException = new Error('getaddrinfo ENOTFOUND')
      error.code = 'ENOTFOUND'
      setImmediate(() => callback(error, ''))
    }
    const result = await post('https://nowhere.example/hook/SECRET', { allow: none, lookup })
    expect(result).toMatchObject({ ok: false, status: null })
    expect(result.error).toBe('dns: nowhere.example could not be resolved (ENOTFOUND)')
    expect(result.permanent).toBeUndefined()
  })
})

describe('refused destinations', () => {
  const literals = [
    '127.0.0.1',
    '127.255.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '198.51.100.7',
    '203.0.113.9',
    '198.18.0.1',
    '198.19.255.255',
    '240.0.0.1',
    '255.255.255.255',
    '224.0.0.1',
    '239.255.255.250',
    '[::1]',
    '[::]',
    '[fe80::1]',
    '[fc00::1]',
    '[fd12:3456::1]',
    '[2001:db8::1]',
    '[ff02::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[::ffff:10.0.0.1]',
    '[::ffff:169.254.169.254]',
    '[::127.0.0.1]',
    '[::ffff:0:127.0.0.1]',
    '[64:ff9b::127.0.0.1]',
    '[64:ff9b::a9fe:a9fe]',
    '[2002:7f00:1::1]',
    '[2002:c0a8:101::]',
    // The URL parser turns these into 127.0.0.1 before anything else sees them.
    '2130706433',
    '0x7f.1',
    '127.1',
    '017700000001',
  ]

  it.each(literals)('refuses the IP literal %s before connecting, for good', async (host) => {
    const before = received.length
    const result = await post(`http://${host}:${port}/ok`)
    expectBlocked(result)
    expect(received.length).toBe(before)
  })

  it('says which range refused an address', async () => {
    const reasons = await Promise.all(
      ['10.0.0.7', '[::ffff:127.0.0.1]', '169.254.169.254'].map(
        async (h) => (await post(`http://${h}/`)).error,
      ),
    )
    expect(reasons).toEqual([
      'blocked_address: 10.0.0.7 is a private address',
      'blocked_address: ::ffff:7f00:1 (127.0.0.1) is a loopback address',
      'blocked_address: 169.254.169.254 is a link-local address',
    ])
  })

  it('refuses a name that resolves to a private address, asking the resolver once', async () => {
    const lookup = scriptedLookup('10.0.0.5')
    const result = await post(`http://hooks.example:${port}/ok`, { allow: none, lookup })
    expectBlocked(result)
    expect(result.error).toBe(
      'blocked_address: hooks.example resolves only to refused addresses (10.0.0.5 is a private address)',
    )
    expect(lookup.calls).toEqual(['hooks.example'])
  })

  it('refuses localhost through the real resolver', async () => {
    const before = received.length
    const result = await post(`http://localhost:${port}/ok`)
    expectBlocked(result)
    expect(result.error).toMatch(
      /^blocked_address: localhost resolves only to refused addresses \(.* is a loopback address\)$/,
    )
    expect(received.length).toBe(before)
  })

  it('drops the refused addresses of an answer and connects to an admitted one', async () => {
    const lookup: LookupFunction = (_host, _options, callback) =>
      setImmediate(() =>
        callback(null, [
          { address: '10.0.0.5', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ]),
      )
    const result = await post(`http://mixed.example:${port}/ok`, { allow: loopbackAllowed, lookup })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(received.at(-1)!.headers.host).toBe(`mixed.example:${port}`)
  })

  it('refuses schemes other than http and https, credentials, long and unparsable URLs, for good', async () => {
    const cases: Array<[string, string]> = [
      ['ftp://example.com/x', 'invalid_url: the scheme ftp: is not allowed: use http or https'],
      ['file:///etc/passwd', 'invalid_url: the scheme file: is not allowed: use http or https'],
      [
        'gopher://127.0.0.1:6379/_INFO',
        'invalid_url: the scheme gopher: is not allowed: use http or https',
      ],
      [
        'https://user:hunter2@example.com/',
        'invalid_url: the URL carries credentials: put them in a header or the path instead',
      ],
      [
        `https://example.com/${'a'.repeat(2000)}`,
        'invalid_url: the URL is longer than 2000 characters',
      ],
      ['not a url', 'invalid_url: the URL cannot be parsed'],
    ]
    for (const [url, error] of cases)
      expect(await post(url)).toMatchObject({ ok: false, status: null, permanent: true, error })
  })

  it('never puts the path, query or credentials of a URL in an error', async () => {
    const secret = '/services/T0/B0/SECRETPATH?token=SECRETQUERY'
    const refusing = createOutbound({ allow: none, lookup: scriptedLookup('192.168.0.1') })
    const slow = createOutbound({ allow: loopbackAllowed, timeoutMs: 100 })
    const cases = [
      [refusing, `http://10.0.0.1${secret}`],
      [refusing, `http://hooks.example${secret}`],
      [refusing, `ftp://user:SECRETPASS@host${secret}`],
      [slow, `http://127.0.0.1:${port}/silent${secret}`],
      [slow, `http://127.0.0.1:${port}/redirect${secret}`],
    ] as const
    for (const [outbound, url] of cases) {
      const { error } = await outbound.post({ url, headers: {}, body: '' })
      expect(error).toBeDefined()
      expect(error).not.toMatch(/SECRET|token|services/)
    }
  })
})

describe('the operator’s allow list', () => {
  it('admits a loopback literal inside an allowed CIDR, and no other', async () => {
    expect(await post(`http://127.0.0.1:${port}/ok`, { allow: loopbackAllowed })).toMatchObject({
      ok: true,
    })
    expectBlocked(await post(`http://127.0.0.2:${port}/ok`, { allow: loopbackAllowed }))
    expectBlocked(await post(`http://[::1]:${port}/ok`, { allow: loopbackAllowed }))
  })

  it('admits an allowed host name without checking its addresses', async () => {
    const allow = parseOutboundAllow('hooks.internal., other.example')
    const lookup = scriptedLookup('127.0.0.1')
    const result = await post(`http://HOOKS.internal:${port}/ok`, { allow, lookup })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expectBlocked(await post(`http://third.example:${port}/ok`, { allow, lookup }))
  })

  it('admits localhost by name through the real resolver', async () => {
    const result = await post(`http://localhost:${port}/ok`, {
      allow: parseOutboundAllow('localhost'),
    })
    expect(result).toMatchObject({ ok: true, status: 200 })
  })
})

describe('DNS rebinding', () => {
  // 127.0.0.2 stands for a public address: allowed, and nothing listens there. The receiver on
  // 127.0.0.1 stands for the internal target a rebinding name switches to on a second lookup.
  const publicStandIn = parseOutboundAllow('127.0.0.2/32')

  it('never reaches the address a second answer would give: the checked address is connected to', async () => {
    const before = received.length
    const lookup = scriptedLookup('127.0.0.2', '127.0.0.1')
    const result = await post(`http://rebind.example:${port}/ok`, { allow: publicStandIn, lookup })
    expect(lookup.calls).toEqual(['rebind.example'])
    expect(result).toMatchObject({ ok: false, status: null })
    expect(result.error).toBe(
      `connect: no answer from http://rebind.example:${port} (ECONNREFUSED)`,
    )
    expect(received.length).toBe(before)
  })

  it('connects to the first, checked answer even when a later lookup would be refused', async () => {
    const lookup = scriptedLookup('127.0.0.1', '10.0.0.5')
    const result = await post(`http://stable.example:${port}/ok`, {
      allow: loopbackAllowed,
      lookup,
    })
    expect(result).toMatchObject({ ok: true, status: 200 })
    expect(lookup.calls).toEqual(['stable.example'])
  })

  it('resolves once per request, not once per process', async () => {
    const lookup = scriptedLookup('127.0.0.1')
    const outbound = createOutbound({ allow: loopbackAllowed, lookup })
    for (let i = 0; i < 3; i++)
      await outbound.post({ url: `http://again.example:${port}/ok`, headers: {}, body: '' })
    expect(lookup.calls).toHaveLength(3)
  })
})
