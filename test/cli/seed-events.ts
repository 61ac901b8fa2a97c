/** One seeded event as sent to the server. */
export type SeedEvent = Record<string, unknown>

const AGENTS = ['support-bot', 'billing-bot', 'triage-bot']
const STATUSES = ['success', 'success', 'success', 'error', 'denied']

/**
 * `n` varied events, one second apart ending `endMs` (default an hour ago), with a title that
 * tells them apart (`event 7`) and fields that exercise the CSV guard (a title starting with `=`,
 * quotes, commas, a line break) and the filters (agent, status, kind, model, environment).
 */
export function seedEvents(
  n: number,
  endMs = Date.now() - 3_600_000,
  prefix = 'event',
): SeedEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const llm = i % 3 === 0
    return {
      ts: new Date(endMs - (n - i) * 1000).toISOString(),
      agent: AGENTS[i % AGENTS.length],
      environment: i % 7 === 6 ? 'staging' : 'production',
      kind: llm ? 'llm_call' : 'action',
      status: STATUSES[i % STATUSES.length],
      ...(llm
        ? {
            provider: 'openai',
            model: i % 2 ? 'gpt-4o' : 'gpt-4o-mini',
            tokens_input: 100 + i,
            tokens_output: 20,
            cost_usd: 0.0012,
          }
        : { service: 'email', action: 'send' }),
      duration_ms: 100 + i,
      title: i % 11 === 5 ? `=HYPERLINK("x"), ${prefix} ${i}\nsecond line` : `${prefix} ${i}`,
      tags: ['seed'],
      metadata: { i },
    }
  })
}

/** Posts events in batches of 500 with an ingest key; throws unless all are accepted. */
export async function ingest(url: string, key: string, events: SeedEvent[]): Promise<number[]> {
  const seqs: number[] = []
  for (let at = 0; at < events.length; at += 500) {
    const res = await fetch(`${url}/api/v1/events/batch`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
      body: JSON.stringify({ events: events.slice(at, at + 500) }),
    })
    const body = (await res.json()) as { accepted?: Array<{ seq: number }>; errors?: unknown[] }
    if (res.status !== 201)
      throw new Error(`ingest failed (${res.status}): ${JSON.stringify(body)}`)
    seqs.push(...(body.accepted ?? []).map((a) => a.seq))
  }
  return seqs
}
