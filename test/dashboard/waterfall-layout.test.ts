import { describe, expect, it } from 'vitest'
import {
  axisTicks,
  layoutWaterfall,
} from '../../packages/dashboard/src/views/traces/waterfall-layout.js'
import type {
  SpanInfo,
  TraceAction,
  TraceAnswer,
} from '../../packages/dashboard/src/views/traces/waterfall-layout.js'

const T0 = Date.parse('2026-12-01T10:00:00Z')

function action(id: string, offsetMs: number, durationMs: number): TraceAction {
  return {
    id,
    agent_name: 'a',
    service: 's',
    action: id,
    status: 'success',
    estimated_cost_cents: 0,
    duration_ms: durationMs,
    environment: 'production',
    created_at: new Date(T0 + offsetMs).toISOString(),
    offsetMs,
  }
}

function trace(actions: TraceAction[], parallelGroups: number[][] = []): TraceAnswer {
  return {
    traceId: 't',
    actions,
    truncated: false,
    summary: {
      totalDuration: 0,
      wallDuration: 0,
      totalCost: 0,
      actionCount: actions.length,
      services: [],
      hasErrors: false,
      parallelGroups,
      parallelGroupCount: parallelGroups.length,
    },
  }
}

const span = (span_id: string, parent_span_id: string | null = null): SpanInfo => ({
  span_id,
  parent_span_id,
  kind: 'tool_call',
  title: null,
})

describe('layoutWaterfall', () => {
  it('puts children under their parent span, each on its own row, siblings by start time', () => {
    const t = trace([action('root', 0, 1000), action('b', 100, 300), action('c', 50, 500)])
    const spans = new Map([
      ['root', span('s-root')],
      ['b', span('s-b', 's-root')],
      ['c', span('s-c', 's-root')],
    ])
    const { rows, totalMs, parallelGroups } = layoutWaterfall(t, spans)
    expect(rows.map((r) => [r.action.id, r.depth, r.parallelGroup])).toEqual([
      ['root', 0, null],
      ['c', 1, 1],
      ['b', 1, 1],
    ])
    expect(totalMs).toBe(1000)
    expect(parallelGroups).toBe(1)
  })

  it('marks overlapping siblings as a parallel group but not a parent with its children', () => {
    const t = trace([action('a', 0, 100), action('b', 200, 300), action('c', 250, 300)])
    const { rows } = layoutWaterfall(t, new Map())
    expect(rows.map((r) => [r.action.id, r.parallelGroup])).toEqual([
      ['a', null],
      ['b', 1],
      ['c', 1],
    ])
    const nested = layoutWaterfall(
      t,
      new Map([
        ['b', span('s-b')],
        ['c', span('s-c', 's-b')],
      ]),
    )
    expect(nested.rows.map((r) => [r.action.id, r.depth, r.parallelGroup])).toEqual([
      ['a', 0, null],
      ['b', 0, null],
      ['c', 1, null],
    ])
  })

  it('gives every action a row when parent spans are missing or form a cycle', () => {
    const t = trace([action('x', 0, 10), action('y', 5, 10), action('z', 8, 1)])
    const spans = new Map([
      ['x', span('s-x', 's-y')],
      ['y', span('s-y', 's-x')],
      ['z', span('s-z', 'not-in-this-trace')],
    ])
    const { rows } = layoutWaterfall(t, spans)
    expect(rows.map((r) => r.action.id).sort()).toEqual(['x', 'y', 'z'])
    expect(rows.find((r) => r.action.id === 'z')?.depth).toBe(0)
  })
})

describe('axisTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten and covers the whole span', () => {
    expect(axisTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000])
    expect(axisTicks(730)).toEqual([0, 200, 400, 600])
    expect(axisTicks(3)).toEqual([0, 1, 2, 3])
    expect(axisTicks(0.5)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5])
  })
})
