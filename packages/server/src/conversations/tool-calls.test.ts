import { describe, expect, it } from 'vitest'
import { newEvent } from '../../../../test/helpers/events.js'
import { EVENT_COLUMNS, eventRowValues, rowToEvent } from '../store/event-row.js'
import type { EventRow } from '../store/event-row.js'
import { responseText } from './call-detail.js'
import { httpCallOf } from './http-call.js'
import { requestedToolCalls, resultsById, toolNameOf, withResults } from './tool-calls.js'

/** A stored event, as a store would return it. */
const stored = (fields: Record<string, unknown>, seq = 1) => {
  const values = eventRowValues('org', newEvent(fields), seq, Date.now())
  return rowToEvent(
    Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, values[i]])) as unknown as EventRow,
  )
}

describe('tool calls of an LLM call', () => {
  it('reads OpenAI tool_calls with JSON-string arguments, Anthropic blocks and plain names', () => {
    expect(
      requestedToolCalls(
        [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'search', arguments: '{"q":"weather"}' },
          },
          { id: 'call_2', type: 'function', function: { name: 'broken', arguments: '{not json' } },
          { type: 'tool_use', id: 'toolu_1', name: 'web_fetch', input: { url: 'https://x.test' } },
          'calculator',
          42,
        ],
        null,
      ),
    ).toEqual([
      { id: 'call_1', name: 'search', input: { q: 'weather' }, result: null, duration_ms: null },
      { id: 'call_2', name: 'broken', input: '{not json', result: null, duration_ms: null },
      {
        id: 'toolu_1',
        name: 'web_fetch',
        input: { url: 'https://x.test' },
        result: null,
        duration_ms: null,
      },
      { id: null, name: 'calculator', input: null, result: null, duration_ms: null },
    ])
  })

  it('falls back to the tool_use blocks of an Anthropic response when tool_calls is absent', () => {
    const output = {
      content: [
        { type: 'text', text: 'hm' },
        { type: 'tool_use', id: 't9', name: 'read', input: { path: '/a' } },
      ],
    }
    expect(requestedToolCalls(null, output)).toMatchObject([
      { id: 't9', name: 'read', input: { path: '/a' } },
    ])
    expect(requestedToolCalls(null, 'plain text')).toEqual([])
  })

  it('joins a start and an end event: the last one answers, the time between them is the duration', () => {
    const start = stored(
      {
        kind: 'tool_call',
        ts: '2026-05-03T10:00:00Z',
        status: 'pending',
        metadata: { tool_call_id: 'a' },
      },
      1,
    )
    const end = stored(
      {
        kind: 'tool_call',
        ts: '2026-05-03T10:00:02.5Z',
        output: { rows: 2 },
        span_id: 'a',
        action: 'sql',
      },
      2,
    )
    const inline = { id: 'b', name: 'inline', input: null, result: 'sent inline', duration_ms: 7 }
    const calls = withResults(
      [{ id: 'a', name: null, input: {}, result: null, duration_ms: null }, inline],
      resultsById([start, end]),
    )
    expect(calls).toEqual([
      {
        id: 'a',
        name: 'sql',
        input: {},
        result: { rows: 2 },
        status: 'success',
        error: null,
        duration_ms: 2500,
        result_event_id: end.id,
      },
      { ...inline, status: null, error: null, result_event_id: null },
    ])
  })
})

describe('a tool call event’s tool name', () => {
  it('prefers metadata.toolName, then action, then service', () => {
    expect(
      toolNameOf({ action: 'invoke', service: 'search_web', metadata: { toolName: 'search_web' } }),
    ).toBe('search_web')
    expect(toolNameOf({ action: 'lookup', service: 'crm', metadata: {} })).toBe('lookup')
    expect(toolNameOf({ action: null, service: 'crm', metadata: {} })).toBe('crm')
  })
})

describe('HTTP calls and response text', () => {
  it('reads method, url and status from input and output, or from top-level fields kept in metadata', () => {
    expect(
      httpCallOf(
        stored({
          kind: 'http_call',
          input: { method: 'post', url: 'https://api.test/x' },
          output: { status: 201 },
        }),
      ),
    ).toEqual({
      method: 'POST',
      url: 'https://api.test/x',
      status: 201,
    })
    expect(
      httpCallOf(
        stored({
          kind: 'http_call',
          action: 'DELETE',
          url: 'https://api.test/y',
          status_code: '404',
        }),
      ),
    ).toEqual({
      method: 'DELETE',
      url: 'https://api.test/y',
      status: 404,
    })
    expect(
      httpCallOf(stored({ kind: 'http_call', action: 'publish', output: { status: 'ok' } })),
    ).toEqual({
      method: null,
      url: null,
      status: null,
    })
  })

  it('finds the text of OpenAI, Anthropic and plain responses', () => {
    expect(
      responseText({ choices: [{ message: { role: 'assistant', content: 'Hi there' } }] }),
    ).toBe('Hi there')
    expect(
      responseText({
        content: [{ type: 'text', text: 'A' }, { type: 'tool_use' }, { type: 'text', text: 'B' }],
      }),
    ).toBe('A B')
    expect(responseText('just text')).toBe('just text')
    expect(responseText({ text: 'completion' })).toBe('completion')
    expect(responseText({ something: 1 })).toBeNull()
    expect(responseText(null)).toBeNull()
  })
})
