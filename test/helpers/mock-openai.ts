import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The usage every answer reports: 21 prompt tokens, 16 of them from the cache, and 5 completion tokens. */
export const MOCK_USAGE = {
  prompt_tokens: 21,
  completion_tokens: 5,
  total_tokens: 26,
  prompt_tokens_details: { cached_tokens: 16 },
}
export const MOCK_MODEL = 'gpt-4o-mini-2024-07-18'
export const MOCK_TEXT = 'Rainy, 14 °C.'
/** The tool call asked for when the request offers tools and has no tool answer yet. */
export const MOCK_TOOL_CALL = {
  id: 'call_weather_1',
  type: 'function',
  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
}

export interface MockOpenAI {
  /** `http://127.0.0.1:<port>/v1`, for the clients' `baseURL`. */
  baseURL: string
  /** The chat requests received, in order. */
  requests: Array<Record<string, any>>
  close(): Promise<void>
}

/**
 * OpenAI's Chat Completions API on loopback (the shapes of platform.openai.com/docs/api-reference/chat):
 * a request that offers tools and has no tool message yet is asked to call `get_weather`; any other
 * is answered with MOCK_TEXT. `stream: true` is answered as server-sent chunks, the usage last.
 */
export async function startMockOpenAI(): Promise<MockOpenAI> {
  const requests: Array<Record<string, any>> = []
  let n = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions') return res.writeHead(404).end()
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>
      requests.push(body)
      const id = `chatcmpl-mock-${++n}`
      const wantsTool =
        Array.isArray(body.tools) &&
        !(body.messages as Array<{ role: string }>).some((m) => m.role === 'tool')
      const base = { id, created: 1_767_225_600, model: MOCK_MODEL, system_fingerprint: 'fp_mock' }
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' })
        const send = (value: unknown) => res.write(`data: ${JSON.stringify(value)}\n\n`)
        const chunk = (delta: object, finish: string | null) => ({
          ...base,
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta, finish_reason: finish }],
        })
        send(chunk({ role: 'assistant', content: 'Rainy' }, null))
        send(chunk({ content: MOCK_TEXT.slice('Rainy'.length) }, 'stop'))
        send({ ...base, object: 'chat.completion.chunk', choices: [], usage: MOCK_USAGE })
        return res.end('data: [DONE]\n\n')
      }
      const message = wantsTool
        ? { role: 'assistant', content: null, tool_calls: [MOCK_TOOL_CALL] }
        : { role: 'assistant', content: MOCK_TEXT }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [{ index: 0, message, finish_reason: wantsTool ? 'tool_calls' : 'stop' }],
          usage: MOCK_USAGE,
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
