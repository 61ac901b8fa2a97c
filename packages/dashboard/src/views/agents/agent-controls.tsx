import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { createPortal } from 'react-dom'
import { api } from '../../api/client'
import type { Agent } from '../../api/types'
import { ConfirmDialog } from '../../components/confirm-dialog'
import { ErrorBox } from '../../components/page'
import { ScopedButton } from '../../components/scope-gate'

type Verb = 'pause' | 'resume' | 'kill'

/**
 * Pause, resume and kill for one agent in one environment (`POST /api/v1/agents/{name}/{verb}`,
 * `control` scope). Killing is final, so it asks for the agent's name to be typed first.
 */
export function AgentControls({
  agent,
  onError,
}: {
  agent: Pick<Agent, 'name' | 'environment' | 'status'>
  /** Where a failed pause or resume is reported; without it the error shows beside the buttons. */
  onError?: (error: unknown) => void
}) {
  const client = useQueryClient()
  const [confirmKill, setConfirmKill] = useState(false)
  const control = useMutation({
    mutationFn: (verb: Verb) =>
      api(`/api/v1/agents/${encodeURIComponent(agent.name)}/${verb}`, {
        method: 'POST',
        query: { environment: agent.environment },
      }),
    onError: (error) => onError?.(error),
    onSuccess: async () => {
      setConfirmKill(false)
      onError?.(undefined)
      await client.invalidateQueries({ queryKey: ['agents'] })
      await client.invalidateQueries({ queryKey: ['agent'] })
      await client.invalidateQueries({ queryKey: ['alerts'] })
    },
  })
  const killed = agent.status === 'killed'
  const label = `${agent.name} (${agent.environment})`
  return (
    <div className="row-actions">
      {agent.status === 'paused' ? (
        <ScopedButton
          scope="control"
          disabled={control.isPending}
          onClick={() => control.mutate('resume')}
          aria-label={`Resume ${label}`}
        >
          Resume
        </ScopedButton>
      ) : (
        <ScopedButton
          scope="control"
          disabled={control.isPending || killed}
          title={killed ? 'A killed agent cannot be paused' : undefined}
          onClick={() => control.mutate('pause')}
          aria-label={`Pause ${label}`}
        >
          Pause
        </ScopedButton>
      )}
      <ScopedButton
        scope="control"
        className="danger"
        disabled={control.isPending || killed}
        title={killed ? 'Already killed' : undefined}
        onClick={() => setConfirmKill(true)}
        aria-label={`Kill ${label}`}
      >
        Kill
      </ScopedButton>
      {control.error && !confirmKill && !onError ? <ErrorBox error={control.error} /> : null}
      {/* A portal: inside a virtual table row, a transformed ancestor would trap a fixed modal. */}
      {confirmKill
        ? createPortal(
            <ConfirmDialog
              title={`Kill ${agent.name}?`}
              confirmLabel="Kill agent"
              danger
              typeToConfirm={agent.name}
              busy={control.isPending}
              onConfirm={() => control.mutate('kill')}
              onCancel={() => {
                setConfirmKill(false)
                control.reset()
              }}
            >
              <p>
                Every later action of <strong>{agent.name}</strong> in{' '}
                <strong>{agent.environment}</strong> will be refused, and a killed agent cannot be
                resumed: running it again needs a new name. This raises a critical alert.
              </p>
              <ErrorBox error={control.error} />
            </ConfirmDialog>,
            document.body,
          )
        : null}
    </div>
  )
}
