import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AgentTrail } from 'agenttrail'
import {
  agentLedgerMiddleware,
  agentTrailMiddleware,
  trackFunction,
} from 'agenttrail/integrations/express'
import express from 'express'
import type { Request, Response } from 'express'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { startLiveServer } from '../../helpers/live-server.js'
import type { LiveServer } from '../../helpers/live-server.js'

/** A real Express app on 127.0.0.1 port 0, hit with fetch, recording into a real AgentTrail server. */
describe('the Express middleware and trackFunction', () => {
  let live: LiveServer
  let key: string
  let app: Server
  let appUrl: string
  const errors: Error[] = []
  let trail: AgentTrail
  let release: () => void = () => {}

  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    key = await live.key('org-express', ['ingest', 'read'])
    trail = new AgentTrail({
      apiKey: key,
      baseUrl: live.url,
      flushOnExit: false,
      onError: (e) => errors.push(e),
    })

    const server = express()
    server.use(express.json())
    server.post(
      '/api/send-email',
      agentLedgerMiddleware(trail, {
        agent: 'email-bot',
        service: 'sendgrid',
        action: 'send_email',
        costExtractor: (_req, res: Response) => res.locals.costCents as number,
      }),
      (req: Request, res: Response) => {
        res.locals.costCents = 1.5
        res.status(202).json({ queued: req.body.to })
      },
    )
    server.use(
      '/api/agent',
      agentTrailMiddleware(trail, {
        agent: 'auto-bot',
        autoDetect: true,
        event: { tags: ['http'] },
      }),
    )
    server.get('/api/agent/email/send', (_req, res) => void res.send('sent'))
    server.get('/api/agent/ping', (_req, res) => void res.send('pong'))
    server.get('/api/agent/crash', (_req, res) => void res.status(500).send('boom'))
    server.get('/api/agent/slow', (_req, res) => {
      release = () => void res.send('late')
    })
    const broken = agentTrailMiddleware(trail, {
      agent: 'cost-bot',
      costExtractor: () => {
        throw new Error('no price header')
      },
    })
    server.get('/costly', broken, (_req, res) => void res.send('ok'))
    app = server.listen(0, '127.0.0.1')
    await once(app, 'listening')
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    app.closeAllConnections()
    await new Promise((resolve) => app.close(resolve))
    await live.close()
  })

  const events = async (agent: string): Promise<any[]> => {
    const res = await fetch(`${live.url}/api/v1/events?limit=100&agent=${agent}`, {
      headers: { authorization: `Bearer ${key}` },
    })
    return ((await res.json()) as { events: any[] }).events.reverse()
  }

  it('records a route with its service, action, status, duration and cost, and leaves the response alone', async () => {
    const res = await fetch(`${appUrl}/api/send-email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 'ada@acme.com' }),
    })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ queued: 'ada@acme.com' })
    await trail.flush()
    const [event] = await events('email-bot')
    expect(event).toMatchObject({
      kind: 'action',
      service: 'sendgrid',
      action: 'send_email',
      status: 'success',
      cost_usd: 0.015,
      cost_source: 'client',
      metadata: { source: 'express', method: 'POST', path: '/api/send-email', statusCode: 202 },
    })
    expect(event.duration_ms).toBeGreaterThanOrEqual(0)
  })

  it('takes service and action from the path below the mount point, and records 4xx and 5xx answers as errors', async () => {
    for (const path of ['/email/send', '/ping', '/crash', '/missing'])
      await (await fetch(`${appUrl}/api/agent${path}`)).text()
    await trail.flush()
    const stored = await events('auto-bot')
    expect(
      stored.map((e) => [e.service, e.action, e.status, e.metadata.statusCode, e.metadata.path]),
    ).toEqual([
      ['email', 'send', 'success', 200, '/email/send'],
      ['http', 'ping', 'success', 200, '/ping'],
      ['http', 'crash', 'error', 500, '/crash'],
      ['http', 'missing', 'error', 404, '/missing'],
    ])
    expect(stored.every((e) => e.tags.includes('http') && e.metadata.method === 'GET')).toBe(true)
  })

  it('records a request whose client hung up before the answer as an error', async () => {
    const aborted = new AbortController()
    const request = fetch(`${appUrl}/api/agent/slow`, { signal: aborted.signal }).catch(
      (e: Error) => e.name,
    )
    await new Promise((resolve) => setTimeout(resolve, 50))
    aborted.abort()
    expect(await request).toBe('AbortError')
    await new Promise((resolve) => setTimeout(resolve, 50))
    release()
    await trail.flush()
    const slow = (await events('auto-bot')).filter((e) => e.action === 'slow')
    expect(slow).toHaveLength(1)
    expect(slow[0]).toMatchObject({
      status: 'error',
      error: { message: 'The client closed the connection before the response was sent' },
    })
  })

  it('reports a cost extractor that throws and records the request without a cost', async () => {
    errors.length = 0
    expect(await (await fetch(`${appUrl}/costly`)).text()).toBe('ok')
    await trail.flush()
    const [event] = await events('cost-bot')
    expect(event).toMatchObject({
      service: 'http',
      action: 'request',
      status: 'success',
      cost_usd: null,
    })
    expect(errors.map((e) => e.message)).toEqual(['no price header'])
  })

  it('trackFunction keeps the signature, `this` and the result, records the call and rethrows errors', async () => {
    const mailer = {
      from: 'bot@acme.com',
      async send(to: string, subject: string): Promise<{ id: string; from: string }> {
        if (to === '') throw new TypeError('no recipient')
        return { id: `msg-${subject}`, from: this.from }
      },
    }
    const send = trackFunction(
      trail,
      {
        agent: 'fn-bot',
        service: 'sendgrid',
        action: 'send_email',
        check: false,
        captureArgs: true,
      },
      mailer.send,
    )
    expectTypeOf(send).parameters.toEqualTypeOf<[to: string, subject: string]>()
    expectTypeOf(send).returns.toEqualTypeOf<Promise<{ id: string; from: string }>>()
    expect(await send.call(mailer, 'ada@acme.com', 'hello')).toEqual({
      id: 'msg-hello',
      from: 'bot@acme.com',
    })
    await expect(send.call(mailer, '', 'x')).rejects.toThrow(TypeError)
    await trail.flush()
    const [ok, failed] = await events('fn-bot')
    expect(ok).toMatchObject({
      service: 'sendgrid',
      action: 'send_email',
      status: 'success',
      input: ['ada@acme.com', 'hello'],
      metadata: { source: 'tracked-function' },
    })
    expect(failed).toMatchObject({
      status: 'error',
      error: { name: 'TypeError', message: 'no recipient' },
    })
  })
})
