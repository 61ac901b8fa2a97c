import { createHash } from 'node:crypto'
import { HumanMessage, SystemMessage } from '@langchain/core/messages'
import type { AIMessage } from '@langchain/core/messages'
import { RunnableLambda } from '@langchain/core/runnables'
import type { RunnableConfig } from '@langchain/core/runnables'
import { tool } from '@langchain/core/tools'
import { AgentTrail } from 'agenttrail'
import {
  AgentLedgerCallbackHandler,
  AgentTrailCallbackHandler,
} from 'agenttrail/integrations/langchain'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { startLiveServer } from '../../helpers/live-server.js'
import type { LiveServer } from '../../helpers/live-server.js'
import { ScriptedChatModel, ScriptedLLM, anthropicAnswer } from './langchain-fakes.js'

/** The callback handler inside LangChain's real run machinery, recording into a real AgentTrail server. */
describe('the LangChain callback handler', () => {
  let live: LiveServer
  let key: string
  const errors: Error[] = []
  beforeAll(async () => {
    live = await startLiveServer('sqlite')
    key = await live.key('org-langchain', ['ingest', 'read'])
  })
  afterAll(() => live.close())

  const trail = () =>
    new AgentTrail({
      apiKey: key,
      baseUrl: live.url,
      flushOnExit: false,
      onError: (e) => errors.push(e),
    })
  const events = async (query: string): Promise<any[]> => {
    const res = await fetch(`${live.url}/api/v1/events?limit=100&${query}`, {
      headers: { authorization: `Bearer ${key}` },
    })
    return ((await res.json()) as { events: any[] }).events.reverse()
  }

  const calculator = tool(async ({ a, b }: { a: number; b: number }) => String(a + b), {
    name: 'calculator',
    description: 'Adds two numbers',
    schema: z.object({ a: z.number(), b: z.number() }),
  })
  const weather = tool(
    async ({ city }: { city: string }): Promise<string> => {
      throw new Error(`no station in ${city}`)
    },
    { name: 'weather', description: 'Weather of a city', schema: z.object({ city: z.string() }) },
  )

  /** A tiny agent loop: the model asks for the calculator, gets its answer, and replies. */
  const agentLoop = (model: ScriptedChatModel) =>
    RunnableLambda.from(async (question: string, config?: RunnableConfig) => {
      const prompt = [new SystemMessage('You add numbers.'), new HumanMessage(question)]
      const ask = (await model.invoke(prompt, config)) as AIMessage
      const call = ask.tool_calls![0]!
      const result = await calculator.invoke({ ...call, type: 'tool_call' }, config)
      const final = await model.invoke([...prompt, ask, result], config)
      return final.content
    }).withConfig({ runName: 'adder_agent' })

  it('records an agent run: the chat model calls with tokens and the tool with its real name, nested under one trace', async () => {
    const client = trail()
    const model = new ScriptedChatModel(
      [
        anthropicAnswer([{ type: 'text', text: 'Let me add.' }], {
          tool_calls: [
            { name: 'calculator', args: { a: 2, b: 3 }, id: 'toolu_01', type: 'tool_call' },
          ],
          stop_reason: 'tool_use',
        }),
        anthropicAnswer('2 + 3 = 5'),
      ],
      { provider: 'anthropic', model: 'claude-sonnet-4-5' },
    )
    const handler = new AgentTrailCallbackHandler(client, {
      agent: 'lc-agent',
      trackChains: true,
      serviceMap: { calculator: { service: 'math', action: 'add' } },
      event: { user: 'ada@acme.com', tags: ['lc'] },
    })

    const answer = await agentLoop(model).invoke('What is 2 + 3?', { callbacks: [handler] })
    expect(answer).toBe('2 + 3 = 5')
    await client.flush()
    expect(errors).toEqual([])

    const stored = await events('agent=lc-agent')
    expect(stored.map((e) => e.kind)).toEqual(['chain', 'llm_call', 'tool_call', 'llm_call'])
    const [chain, ask, calc, reply] = stored
    const traceId = chain.span_id
    expect(
      stored.every(
        (e) => e.trace_id === traceId && e.user === 'ada@acme.com' && e.tags.includes('lc'),
      ),
    ).toBe(true)
    expect(chain).toMatchObject({
      service: 'langchain',
      action: 'chain_run',
      title: 'adder_agent',
      parent_span_id: null,
      status: 'success',
    })
    expect(chain.input).toEqual({ input: 'What is 2 + 3?' })
    expect(chain.output).toEqual({ output: '2 + 3 = 5' })

    expect(ask).toMatchObject({
      kind: 'llm_call',
      service: 'anthropic',
      action: 'completion',
      provider: 'anthropic',
      model: 'claude-sonnet-4-5-20250929',
      status: 'success',
      parent_span_id: traceId,
      // Anthropic's own input count: LangChain's 1500 minus the 1000 read from and 200 written to the cache.
      tokens_input: 300,
      tokens_output: 120,
      tokens_cache_read: 1000,
      tokens_cache_write: 200,
      tokens_total: 1620,
      stop_reason: 'tool_use',
      messages: [{ role: 'user', content: 'What is 2 + 3?' }],
      system_prompt_sha256: createHash('sha256').update('You add numbers.').digest('hex'),
      output: [{ type: 'text', text: 'Let me add.' }],
      tool_calls: [{ name: 'calculator', args: { a: 2, b: 3 }, id: 'toolu_01', type: 'tool_call' }],
      metadata: { source: 'langchain', runId: ask.span_id },
    })
    expect(ask.duration_ms).toBeGreaterThanOrEqual(0)
    // Priced by the server, each token once: (300 × $3 + 1000 × $0.30 + 200 × $3.75 + 120 × $15) / 1M.
    expect(ask).toMatchObject({
      cost_usd: 0.00375,
      cost_source: expect.stringMatching(/^price_table@/),
    })

    expect(calc).toMatchObject({
      kind: 'tool_call',
      service: 'math',
      action: 'add',
      status: 'success',
      parent_span_id: traceId,
      input: { a: 2, b: 3 },
      output: '5',
      metadata: {
        source: 'langchain',
        toolName: 'calculator',
        tool_call_id: 'toolu_01',
        runId: calc.span_id,
      },
    })

    expect(reply).toMatchObject({
      stop_reason: 'end_turn',
      output: '2 + 3 = 5',
      parent_span_id: traceId,
    })
    expect(reply.messages.map((m: { role: string }) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
    ])
    expect(reply.messages[2]).toMatchObject({
      role: 'tool',
      content: '5',
      tool_call_id: 'toolu_01',
    })
    expect(new Set(stored.map((e) => e.span_id)).size).toBe(4)
  })

  it('names a tool that is not in the service map after itself, never unknown_tool', async () => {
    const client = trail()
    const handler = new AgentLedgerCallbackHandler(client, { agent: 'lc-unmapped' })
    expect(await calculator.invoke({ a: 40, b: 2 }, { callbacks: [handler] })).toBe('42')
    await client.flush()
    const [event] = await events('agent=lc-unmapped')
    expect(event).toMatchObject({
      kind: 'tool_call',
      service: 'calculator',
      action: 'invoke',
      input: { a: 40, b: 2 },
      output: '42',
    })
    expect(event.trace_id).toBe(event.span_id)
  })

  it("records a failing tool as an error and leaves LangChain's error to the caller", async () => {
    const client = trail()
    const handler = new AgentTrailCallbackHandler(client, { agent: 'lc-tool-error' })
    await expect(weather.invoke({ city: 'Oslo' }, { callbacks: [handler] })).rejects.toThrow(
      'no station in Oslo',
    )
    await client.flush()
    const [event] = await events('agent=lc-tool-error')
    expect(event).toMatchObject({
      kind: 'tool_call',
      service: 'weather',
      status: 'error',
      input: { city: 'Oslo' },
      output: null,
      error: { name: 'Error', message: 'no station in Oslo' },
    })
  })

  it('reads the token usage of a text model from llmOutput.tokenUsage, and its prompt as the input', async () => {
    const client = trail()
    const handler = new AgentTrailCallbackHandler(client, { agent: 'lc-llm' })
    expect(
      await new ScriptedLLM('Paris.').invoke('Capital of France?', { callbacks: [handler] }),
    ).toBe('Paris.')
    await client.flush()
    const [event] = await events('agent=lc-llm')
    expect(event).toMatchObject({
      kind: 'llm_call',
      service: 'openai',
      provider: 'openai',
      model: 'gpt-3.5-turbo-instruct',
      tokens_input: 12,
      tokens_output: 5,
      tokens_total: 17,
      tokens_cache_read: null,
      stop_reason: 'stop',
      input: 'Capital of France?',
      output: 'Paris.',
    })
  })

  it('records a failed model call with its error, and LangChain still throws it', async () => {
    const client = trail()
    const handler = new AgentTrailCallbackHandler(client, { agent: 'lc-llm-error' })
    const model = new ScriptedChatModel([new Error('overloaded')], {
      provider: 'openai',
      model: 'gpt-4o',
    })
    await expect(model.invoke('hi', { callbacks: [handler] })).rejects.toThrow('overloaded')
    await client.flush()
    const [event] = await events('agent=lc-llm-error')
    expect(event).toMatchObject({
      kind: 'llm_call',
      status: 'error',
      service: 'openai',
      provider: 'openai',
      model: 'gpt-4o',
      error: { message: 'overloaded' },
      messages: [{ role: 'user', content: 'hi' }],
    })
  })

  it('records a streamed answer once, with the usage of its last chunk', async () => {
    const client = trail()
    const handler = new AgentTrailCallbackHandler(client, { agent: 'lc-stream' })
    const model = new ScriptedChatModel([anthropicAnswer('One two three.')], {
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
    })
    let text = ''
    for await (const chunk of await model.stream('Count', { callbacks: [handler] }))
      text += String(chunk.content)
    expect(text).toBe('One two three.')
    await client.flush()
    const stored = await events('agent=lc-stream')
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({
      output: 'One two three.',
      tokens_input: 300,
      tokens_cache_read: 1000,
      tokens_output: 120,
    })
  })

  it('records only what it is asked to: no chains by default, no tools or LLM calls when turned off, no content when told', async () => {
    const client = trail()
    const script = () => [
      anthropicAnswer('', {
        tool_calls: [{ name: 'calculator', args: { a: 1, b: 1 }, id: 't1', type: 'tool_call' }],
      }),
      anthropicAnswer('2'),
    ]
    const run = (agent: string, options: object) =>
      agentLoop(new ScriptedChatModel(script(), { provider: 'anthropic', model: 'claude' })).invoke(
        '1 + 1?',
        {
          callbacks: [new AgentTrailCallbackHandler(client, { agent, ...options })],
        },
      )
    await run('lc-default', {})
    await run('lc-no-tools', { trackTools: false })
    await run('lc-no-llm', { trackLLM: false, captureContent: false })
    await client.flush()
    expect((await events('agent=lc-default')).map((e) => e.kind)).toEqual([
      'llm_call',
      'tool_call',
      'llm_call',
    ])
    expect((await events('agent=lc-no-tools')).map((e) => e.kind)).toEqual(['llm_call', 'llm_call'])
    const [bare] = await events('agent=lc-no-llm')
    expect(bare).toMatchObject({
      kind: 'tool_call',
      service: 'calculator',
      input: null,
      output: null,
    })
    // The chain was not recorded, yet its id still ties the calls together.
    const defaults = await events('agent=lc-default')
    expect(new Set(defaults.map((e) => e.trace_id)).size).toBe(1)
    expect(defaults.every((e) => e.parent_span_id === e.trace_id)).toBe(true)
  })

  it('takes the LangGraph thread id from the run metadata as the conversation', async () => {
    const client = trail()
    const handler = new AgentTrailCallbackHandler(client, { agent: 'lc-thread' })
    await calculator.invoke(
      { a: 1, b: 2 },
      { callbacks: [handler], metadata: { thread_id: 'thread-42' } },
    )
    await client.flush()
    expect((await events('agent=lc-thread'))[0]).toMatchObject({ conversation_id: 'thread-42' })
  })

  it('never throws into LangChain: a failure while recording goes to the error handler', async () => {
    const reported: unknown[] = []
    const broken = {
      fire(): void {
        throw new Error('disk full')
      },
      reportError: (e: unknown) => void reported.push(e),
    }
    const handler = new AgentTrailCallbackHandler(broken, { agent: 'lc-broken' })
    expect(await calculator.invoke({ a: 1, b: 1 }, { callbacks: [handler] })).toBe('2')
    expect(reported).toEqual([new Error('disk full')])
  })
})
