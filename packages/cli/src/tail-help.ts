/** `agenttrail tail --help`. */
export const TAIL_HELP = `Usage: agenttrail tail [filters] [--json] [--since SEQ|EVENT_ID|TIME] [--url URL] [--key KEY]

Prints the org's events as they happen, one line each, until Ctrl-C (exit 0). A dropped
connection or a restarted server is picked up again with Last-Event-ID: the server replays what
was missed, and nothing prints twice.

Filters (each takes a comma list, e.g. --status error,denied):
  --agent NAME            one agent (applied by the server)
  --environment ENV       one environment (applied by the server); default: every environment
  --kind KIND             action, llm_call, tool_call, http_call, message, turn, cron, audit, ...
  --status STATUS         success, error, pending, denied (failed and blocked are taken too)
  --service NAME          --action NAME          --model MODEL
  --type TYPES            the stream's frames: event.new (default: every event), action.new
                          (agents' actions as AgentLedger rows), alert.new (alerts as they fire)

Output:
  (default)               time (UTC), [environment], agent, kind, status, provider/model or
                          service/action, tokens, cost, duration, title; coloured on a terminal
                          unless NO_COLOR is set
  --json                  one JSON object per line: the frame's data (the event for event.new)

Start:
  --since SEQ             replay from after this seq (a frame's id, an event's seq)
  --since EVENT_ID        replay from after this event
  --since TIME            replay events from this time: 2026-05-01T08:00:00Z, epoch ms (10 or
                          more digits), 15m, 1h, 7d; reads the events since then first
  --reconnect-delay MS    first wait before reconnecting, doubling to 30 s (default 1000)

Server: --url URL (AGENTTRAIL_URL, default http://127.0.0.1:7878), --key KEY (AGENTTRAIL_API_KEY),
a key with the read scope.
Exit codes: 0 stopped with Ctrl-C, 2 bad flags, 3 server unreachable at start, 4 key refused.
`
