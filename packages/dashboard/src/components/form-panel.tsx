import { useId } from 'react'
import type { ReactNode } from 'react'
import { allAtFields } from './field-errors'
import { ErrorBox } from './page'

/** What a `FormPanel` needs of its TanStack mutation. */
interface Submission {
  error: unknown
  isPending: boolean
  mutate: () => void
}

/**
 * A titled form in a panel that submits `mutation`: field messages go to the fields (`shown`
 * lists their paths), anything else to an error box above the submit and Cancel buttons.
 */
export function FormPanel({
  title,
  mutation,
  shown,
  submitLabel,
  pendingLabel,
  onCancel,
  children,
}: {
  title: string
  mutation: Submission
  shown: readonly string[]
  submitLabel: string
  pendingLabel: string
  onCancel: () => void
  children: ReactNode
}) {
  const id = useId()
  return (
    <form
      className="panel form-panel"
      aria-labelledby={`${id}-title`}
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        mutation.mutate()
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
      {mutation.error && !allAtFields(mutation.error, shown) ? (
        <ErrorBox error={mutation.error} />
      ) : null}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {mutation.isPending ? pendingLabel : submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
