/**
 * A trace id in AgentLedger's format, `tr_<base36 ms>_<8 base36 chars>` (agentledger-wire.md §1.2):
 * generated on the client, opaque to the server. Pass the same one to every step of a workflow.
 */
export function traceId(): string {
  let random = ''
  while (random.length < 8) random += Math.random().toString(36).slice(2)
  return `tr_${Date.now().toString(36)}_${random.slice(0, 8)}`
}
