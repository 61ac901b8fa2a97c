import { describe, expect, it } from 'vitest'
import type { LogStatus } from '../../packages/dashboard/src/api/log-types.js'
import {
  LAG_WARN_MS,
  STALE_WARN_MS,
  statusWarnings,
} from '../../packages/dashboard/src/views/integrity/status-warnings.js'

/** The Integrity view's warnings: lag while events arrive, a late heartbeat, a tree off the trail. */
const NOW = Date.parse('2026-12-07T12:00:00Z')
const status = (over: Partial<LogStatus> = {}, ageMs = 1_000): LogStatus => ({
  tree_size: 10,
  trail_seq: 10,
  latest_checkpoint: {
    tree_size: 10,
    created_at: new Date(NOW - ageMs).toISOString(),
    root_hash: 'AAAA',
  },
  key_id: '2aa9a683',
  lag_events: 0,
  ...over,
})

describe('the Integrity warnings', () => {
  it('says nothing while every event is in a fresh checkpoint', () => {
    expect(statusWarnings(status(), NOW, 0)).toEqual([])
    // A quiet log whose last checkpoint is an hour old is fine: the heartbeat is due about now.
    expect(statusWarnings(status({}, 60 * 60_000), NOW, 0)).toEqual([])
  })

  it('warns when events have waited more than a few seconds for a checkpoint', () => {
    const lagging = status({ tree_size: 14, trail_seq: 14, lag_events: 4 }, 30_000)
    // Just arrived after a quiet spell: not yet a problem (one is due within a second).
    expect(statusWarnings(lagging, NOW, 1_000)).toEqual([])
    const [warning, ...more] = statusWarnings(lagging, NOW, LAG_WARN_MS + 1)
    expect(more).toEqual([])
    expect(warning).toMatch(
      /^4 events are not yet in a signed checkpoint, and the latest was signed 30 s ago/,
    )
  })

  it('warns when the latest checkpoint is older than the hourly heartbeat allows', () => {
    const [warning] = statusWarnings(status({}, STALE_WARN_MS + 60_000), NOW, 0)
    expect(warning).toMatch(/signed 1 h ago: a heartbeat checkpoint is signed every hour/)
  })

  it('warns when the tree is not the trail, and when events have no checkpoint at all', () => {
    expect(statusWarnings(status({ tree_size: 9 }), NOW, 0)[0]).toMatch(
      /^The log holds 9 leaves but the trail's last seq is 10/,
    )
    const none = status({ latest_checkpoint: null, lag_events: 10 })
    expect(statusWarnings(none, NOW, 0)).toEqual([])
    expect(statusWarnings(none, NOW, LAG_WARN_MS + 1)[0]).toMatch(/no signed checkpoint yet/)
    expect(
      statusWarnings(status({ tree_size: 0, trail_seq: 0, latest_checkpoint: null }), NOW, 60_000),
    ).toEqual([])
  })
})
