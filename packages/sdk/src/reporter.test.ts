import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Reporter } from './reporter.js'

describe('Reporter', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('prints at most one line per kind every 10 s when no handler is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const reporter = new Reporter({ silent: false })
    reporter.drop(3, 'queue_full')
    reporter.drop(4, 'queue_full')
    reporter.drop(1, 'rejected')
    vi.advanceTimersByTime(10_000)
    reporter.drop(5, 'queue_full')
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      '[agenttrail] AgentTrail: dropped 3 events (queue_full)',
      '[agenttrail] AgentTrail: dropped 1 event (rejected)',
      '[agenttrail] AgentTrail: dropped 5 events (queue_full)',
    ])
  })

  it('prints nothing when silent', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    new Reporter({ silent: true }).error(new Error('x'))
    expect(warn).not.toHaveBeenCalled()
  })

  it('gives a drop to onDrop and its cause to onError', () => {
    const drops: unknown[] = []
    const errors: Error[] = []
    const reporter = new Reporter({
      silent: false,
      onDrop: (n, r) => drops.push([n, r]),
      onError: (e) => errors.push(e),
    })
    reporter.drop(2, 'export_failed', new Error('ECONNREFUSED'))
    expect(drops).toEqual([[2, 'export_failed']])
    expect(errors.map((e) => e.message)).toEqual(['ECONNREFUSED'])
  })
})
