import { describe, expect, it } from 'vitest'
import { SseParser } from './sse-parser.js'

describe('SseParser', () => {
  it('reads the frames an AgentLedger server sends: id, event and one data line', () => {
    const frames = new SseParser().push(
      'id: 1\nevent: action.new\ndata: {"id":"a"}\n\nid: 2\nevent: heartbeat\ndata: {"ts":1}\n\n',
    )
    expect(frames).toEqual([
      { id: '1', event: 'action.new', data: '{"id":"a"}' },
      { id: '2', event: 'heartbeat', data: '{"ts":1}' },
    ])
  })

  it('keeps a partial frame until the rest arrives, however the text is cut', () => {
    const text = 'id: 7\nevent: alert.new\ndata: {"message":"spend spike"}\n\n'
    for (let cut = 1; cut < text.length; cut++) {
      const parser = new SseParser()
      const frames = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))]
      expect(frames).toEqual([{ id: '7', event: 'alert.new', data: '{"message":"spend spike"}' }])
    }
  })

  it('accepts CRLF line ends, even when a CRLF is split between two chunks', () => {
    const parser = new SseParser()
    const frames = [
      ...parser.push('id: 3\r\nevent: action.new\r\ndata: {}\r'),
      ...parser.push('\n\r\n'),
    ]
    expect(frames).toEqual([{ id: '3', event: 'action.new', data: '{}' }])
  })

  it('follows the SSE spec where AgentLedger is stricter: no space after the colon, comments, several data lines', () => {
    const frames = new SseParser().push(
      ': keep-alive\n\nevent:action.new\ndata:{"a":\ndata: 1}\n\n',
    )
    expect(frames).toEqual([{ id: '', event: 'action.new', data: '{"a":\n1}' }])
  })
})
