import { describe, expect, it } from 'vitest'
import type { ActionLog } from '@agenttrail/protocol'
import { summarizeTrace } from './trace-summary.js'

const at = (
  startMs: number,
  duration: number,
  service = 'svc',
  status = 'success',
  cents = 1,
): ActionLog => ({
  id: `00000000-0000-7000-8000-${String(startMs).padStart(12, '0')}`,
  org_id: 'o',
  agent_name: 'a',
  service,
  action: 'x',
  status,
  estimated_cost_cents: cents,
  duration_ms: duration,
  request_meta: {},
  trace_id: 't',
  input: null,
  output: null,
  environment: 'production',
  created_at: new Date(Date.UTC(2026, 0, 1) + startMs).toISOString(),
})

describe('trace summary', () => {
  it('groups overlapping actions by real start and end, and sums durations and cost', () => {
    // 0-100 and 50-150 overlap; 150-200 only touches; 300-400, 310-320, 390-500 overlap in a chain.
    const { actions, summary } = summarizeTrace([
      at(300, 100),
      at(0, 100),
      at(150, 50, 'b'),
      at(50, 100),
      at(310, 10),
      at(390, 110, 'b', 'error', 2.5),
    ])
    expect(actions.map((a) => a.offsetMs)).toEqual([0, 50, 150, 300, 310, 390])
    expect(summary.parallelGroups).toEqual([
      [0, 1],
      [3, 4, 5],
    ])
    expect(summary.parallelGroupCount).toBe(2)
    expect(summary.totalDuration).toBe(470)
    expect(summary.wallDuration).toBe(500)
    expect(summary.totalCost).toBe(7.5)
    expect(summary.services).toEqual(['svc', 'b'])
    expect(summary.hasErrors).toBe(true)
    expect(summary.actionCount).toBe(6)
  })

  it('has no groups for sequential actions', () => {
    expect(summarizeTrace([at(0, 10), at(10, 10), at(25, 5)]).summary.parallelGroups).toEqual([])
  })
})
