import { useSession } from '../api/session'

/**
 * The next step for an org with no events: a command that sends one, with this server's real
 * base URL. The key is not shown (the dashboard never holds it); the command reads it from the
 * environment.
 */
export function FirstEventHint() {
  const session = useSession().data
  const base = session?.base_url ?? window.location.origin
  const command = `export AGENTTRAIL_API_KEY=<a key with the ingest scope>
curl -s -X POST ${base}/api/v1/events \\
  -H "Authorization: Bearer $AGENTTRAIL_API_KEY" -H "content-type: application/json" \\
  -d '{"agent": "my-agent", "kind": "tool_call", "service": "search", "title": "First event"}'`
  return (
    <div className="first-event">
      <p>
        Nothing has been recorded yet. Send a first event from your agent, with the TypeScript or
        Python SDK, or with this command; it appears here as soon as it is committed.
      </p>
      <pre className="code" tabIndex={0}>
        {command}
      </pre>
    </div>
  )
}
