import { SEED_AGENTS, SEED_IDS } from './dashboard-seed-data.js'

type Event = Record<string, unknown>

const FEED = 'https://blog.example.com/feed.json'
const WRITER_PROMPT = 'You are Quill, a blog assistant. Fetch sources before you write.'
const SUPPORT_PROMPT = 'You are the support assistant of Acme. Look orders up before you answer.'

/**
 * Two agent loops as the SDK integrations log them, the way `/api/v1/conversations` and its
 * timeline read them: LLM calls naming their tool calls, the tool events answering them by
 * `metadata.tool_call_id`, and HTTP calls nested under a tool by `parent_span_id`.
 */
export function seedConversations(now: number): Event[] {
  return [...roundup(now - 3 * 3_600_000), ...refund(now - 26 * 3_600_000)]
}

/** Anthropic: LLM call → web_fetch tool → a failed and a retried HTTP GET → the answer. */
function roundup(start: number): Event[] {
  const at = (ms: number) => new Date(start + ms).toISOString()
  const common = {
    conversation_id: SEED_IDS.conversations[0],
    agent: SEED_AGENTS.writer,
    environment: 'production',
  }
  const toolUse = { type: 'tool_use', id: 'toolu_01', name: 'web_fetch', input: { url: FEED } }
  const ask = { role: 'user', content: 'Draft this week’s roundup post from our feed' }
  const llm = { kind: 'llm_call', provider: 'anthropic', model: 'claude-sonnet-4-5' }
  return [
    {
      ...common,
      ...llm,
      ts: at(0),
      system_prompt: WRITER_PROMPT,
      messages: [ask],
      thinking: 'The user wants a roundup. I should read the feed first.',
      output: { content: [{ type: 'text', text: 'Let me read the feed first.' }, toolUse] },
      tool_calls: [toolUse],
      stop_reason: 'tool_use',
      tokens_input: 1200,
      tokens_output: 300,
      tokens_cache_write: 1000,
      cost_usd: '0.0123',
      duration_ms: 2100,
    },
    {
      ...common,
      ts: at(2150),
      kind: 'tool_call',
      action: 'web_fetch',
      span_id: 'span-tool-1',
      metadata: { tool_call_id: 'toolu_01' },
      input: { url: FEED },
      output: { status: 200, items: 3 },
      duration_ms: 1840,
    },
    {
      ...common,
      ts: at(2200),
      kind: 'http_call',
      service: 'blog',
      parent_span_id: 'span-tool-1',
      status: 'error',
      input: { method: 'GET', url: FEED },
      output: { status: 503 },
      error: { message: 'Service Unavailable' },
      duration_ms: 120,
    },
    {
      ...common,
      ts: at(2500),
      kind: 'http_call',
      service: 'blog',
      parent_span_id: 'span-tool-1',
      input: { method: 'GET', url: FEED },
      output: { status: 200 },
      duration_ms: 900,
    },
    {
      ...common,
      ...llm,
      ts: at(4100),
      system_prompt: WRITER_PROMPT,
      messages: [
        ask,
        { role: 'assistant', content: [toolUse] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: '{"items":3}' }],
        },
      ],
      output: { content: [{ type: 'text', text: 'Here is your weekly roundup: three tools.' }] },
      stop_reason: 'end_turn',
      tokens_input: 1500,
      tokens_output: 700,
      tokens_cache_read: 1000,
      cost_usd: '0.0098',
      duration_ms: 3200,
    },
  ]
}

/** OpenAI: LLM call with a function call → lookup_order tool → the answer. */
function refund(start: number): Event[] {
  const at = (ms: number) => new Date(start + ms).toISOString()
  const common = {
    conversation_id: SEED_IDS.conversations[1],
    agent: SEED_AGENTS.support,
    environment: 'staging',
  }
  const call = {
    id: 'call_lookup_1',
    type: 'function',
    function: { name: 'lookup_order', arguments: '{"order":"A-4821"}' },
  }
  const ask = { role: 'user', content: 'Where is my refund for order A-4821?' }
  const llm = { kind: 'llm_call', provider: 'openai', model: 'gpt-4o' }
  return [
    {
      ...common,
      ...llm,
      ts: at(0),
      system_prompt: SUPPORT_PROMPT,
      messages: [ask],
      output: { role: 'assistant', content: null, tool_calls: [call] },
      tool_calls: [call],
      stop_reason: 'tool_calls',
      tokens_input: 640,
      tokens_output: 42,
      duration_ms: 1300,
    },
    {
      ...common,
      ts: at(1350),
      kind: 'tool_call',
      action: 'lookup_order',
      metadata: { tool_call_id: 'call_lookup_1' },
      input: { order: 'A-4821' },
      output: { status: 'refunded', amount_cents: 12900 },
      duration_ms: 230,
    },
    {
      ...common,
      ...llm,
      ts: at(1700),
      system_prompt: SUPPORT_PROMPT,
      messages: [
        ask,
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: 'call_lookup_1', content: '{"status":"refunded"}' },
      ],
      output: { role: 'assistant', content: 'Your refund of $129.00 was issued yesterday.' },
      stop_reason: 'stop',
      tokens_input: 720,
      tokens_output: 38,
      duration_ms: 1100,
    },
  ]
}
