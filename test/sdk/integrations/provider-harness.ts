import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { AgentTrail } from 'agenttrail'
import { startLiveServer } from '../../helpers/live-server.js'
import type { LiveServer } from '../../helpers/live-server.js'
import { startMockProvider } from './mock-provider.js'
import type { MockProvider } from './mock-provider.js'

export interface ProviderHarness {
  /** The real AgentTrail server the wrappers record into. */
  readonly live: LiveServer
  /** The provider's API double on 127.0.0.1. */
  readonly mock: MockProvider
  readonly trail: AgentTrail
  /** An ingest and read key of the org. */
  readonly key: string
  /** Errors the client reported; each test ends with none. */
  readonly errors: Error[]
  /** GET a path of the AgentTrail API as JSON. */
  api(path: string): Promise<any>
  /** The events recorded for `agent`, after sending everything fired so far. */
  recorded(agent: string): Promise<any[]>
}

/**
 * One provider integration's test setup: a real AgentTrail server and a provider double started
 * before the suite, a client recording into the server, and a check after each test that the
 * client reported no error. Call inside `describe`.
 */
export function useProviderHarness(orgId: string): ProviderHarness {
  let live: LiveServer
  let mock: MockProvider
  let key: string
  let trail: AgentTrail
  const errors: Error[] = []
  beforeAll(async () => {
    ;[live, mock] = await Promise.all([startLiveServer('sqlite'), startMockProvider()])
    key = await live.key(orgId, ['ingest', 'read'])
    trail = new AgentTrail({
      apiKey: key,
      baseUrl: live.url,
      flushOnExit: false,
      onError: (e) => errors.push(e),
    })
  })
  afterAll(async () => {
    await trail.shutdown()
    await Promise.all([live.close(), mock.close()])
  })
  afterEach(() => expect(errors).toEqual([]))
  const api = async (path: string) =>
    (await (
      await fetch(`${live.url}${path}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as any
  return {
    get live() {
      return live
    },
    get mock() {
      return mock
    },
    get trail() {
      return trail
    },
    get key() {
      return key
    },
    errors,
    api,
    async recorded(agent) {
      await trail.flush()
      return (await api(`/api/v1/events?agent=${agent}`)).events as any[]
    },
  }
}
