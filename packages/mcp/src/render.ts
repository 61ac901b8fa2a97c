// The text half of a tool result: what a client that ignores `structuredContent` shows the model.
// Lists are one line per row; single records are their JSON without indentation.

/** `2026-12-01T08:00:00.000Z error llm_call support-bot/email/draft $0.0012 id=…`. */
export function eventLine(event: Record<string, unknown>): string {
  const where = [event.agent, event.service, event.action].filter((v) => v != null).join('/')
  const parts = [event.ts, event.status, event.kind, where || undefined]
  if (typeof event.cost_usd === 'number') parts.push(`$${event.cost_usd}`)
  if (typeof event.tokens_total === 'number') parts.push(`${event.tokens_total} tokens`)
  if (event.title != null) parts.push(`"${String(event.title)}"`)
  parts.push(`id=${String(event.id)}`)
  return parts.filter((p) => p !== undefined && p !== null).join(' ')
}

/** A heading, the rows, and where the next page starts. */
export function listText(
  heading: string,
  rows: readonly string[],
  nextCursor?: string | null,
): string {
  const lines = [heading, ...rows.map((r) => `- ${r}`)]
  if (nextCursor) lines.push(`More: call again with cursor "${nextCursor}".`)
  return lines.join('\n')
}

/** A record as one line of JSON. */
export function json(value: unknown): string {
  return JSON.stringify(value)
}
