import { describe, expect, it } from 'vitest'
import type { SeriesState } from '../store/alert-model.js'
import type { Verdict } from './detect.js'
import { QUIET } from './detect.js'
import type { Step } from './lifecycle.js'
import { step } from './lifecycle.js'

const H = 3_600_000
const breach = (level: 'warning' | 'critical', extreme = false): Verdict => ({
  level,
  extreme,
  value: 10,
  expected: 1,
  score: 6,
})
const ids = {
  rule_id: 'r',
  series: '["production","a",null]',
  newAlertId: () => 'alert-1',
  scope: { environment: 'production', agent: 'a', service: null },
}

/** Runs verdicts through the state machine over consecutive closed hours; the steps taken. */
function run(verdicts: Verdict[], start?: SeriesState): Array<Step | undefined> {
  let state: SeriesState | undefined = start
  return verdicts.map((v, i) => {
    const s = step(state, v, { from: i * H, to: (i + 1) * H, closed: true }, ids, (i + 1) * H)
    if (s) state = s.next === null ? undefined : { ...s.next, alert: s.next.alert ?? null }
    return s
  })
}

const names = (steps: Array<Step | undefined>) => steps.map((s) => s?.transition.state ?? '-')

describe('the alert lifecycle', () => {
  it('pends on one breach, fires on the second, resolves after two quiet windows', () => {
    const steps = run([breach('warning'), breach('warning'), QUIET, QUIET, QUIET])
    expect(names(steps)).toEqual(['pending', 'firing', 'recovering', 'resolved', '-'])
    expect(steps.map((s) => s?.announce ?? null)).toEqual([
      null,
      'alert.created',
      null,
      'alert.resolved',
      null,
    ])
    expect(steps[1]?.alert).toBe('create')
    expect(steps[3]?.next).toBeNull()
  })

  it('clears a single breach without raising anything', () => {
    const steps = run([breach('critical'), QUIET])
    expect(names(steps)).toEqual(['pending', 'cleared'])
    expect(steps.every((s) => s?.alert === 'none' && s.announce === null)).toBe(true)
  })

  it('fires at once on an extreme window', () => {
    const steps = run([breach('critical', true)])
    expect(names(steps)).toEqual(['firing'])
    expect(steps[0]?.announce).toBe('alert.created')
    expect(steps[0]?.next?.severity).toBe('critical')
  })

  it('escalates a firing warning to critical and announces it again', () => {
    const steps = run([breach('warning'), breach('warning'), breach('critical'), breach('warning')])
    expect(names(steps)).toEqual(['pending', 'firing', 'escalated', '-'])
    expect(steps[2]?.announce).toBe('alert.created')
    expect(steps[2]?.next?.severity).toBe('critical')
  })

  it('fires again under the same alert when a breach comes while recovering', () => {
    const steps = run([breach('warning', true), QUIET, breach('warning'), QUIET, QUIET])
    expect(names(steps)).toEqual(['firing', 'recovering', 'refiring', 'recovering', 'resolved'])
    expect(steps[2]?.announce).toBeNull()
    expect(new Set(steps.map((s) => s?.next?.alert_id ?? 'alert-1'))).toEqual(new Set(['alert-1']))
  })

  it('ignores a window it has already judged, and a running window unless it is extreme', () => {
    const [first] = run([breach('warning')])
    const state = { ...(first?.next as SeriesState) }
    expect(step(state, breach('warning'), { from: 0, to: H, closed: true }, ids, 2 * H)).toBe(
      undefined,
    )
    expect(
      step(state, breach('critical'), { from: H, to: H + 60_000, closed: false }, ids, 2 * H),
    ).toBe(undefined)
    const fired = step(
      state,
      breach('critical', true),
      { from: H, to: H + 60_000, closed: false },
      ids,
      2 * H,
    )
    expect(fired?.transition.state).toBe('firing')
  })
})
