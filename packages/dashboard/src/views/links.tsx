import { Redirect, useParams } from 'wouter'
import { mergeSearch } from '../lib/url-state'

/**
 * The paths that notifications link to (docs/events-out.md: `/events/<id>`, `/approvals/<id>`,
 * `/agents/<environment>/<name>`), sent on to the view that shows that thing.
 */
export function EventLink() {
  const { id = '' } = useParams<{ id: string }>()
  return <Redirect to={`/events${mergeSearch('', { event: id })}`} replace />
}

export function ApprovalLink() {
  const { id = '' } = useParams<{ id: string }>()
  return <Redirect to={`/control/approvals${mergeSearch('', { approval: id })}`} replace />
}

export function AgentLink() {
  const { env = '', name = '' } = useParams<{ env: string; name: string }>()
  return (
    <Redirect
      to={`/agents/${encodeURIComponent(name)}${mergeSearch('', { environment: env })}`}
      replace
    />
  )
}
