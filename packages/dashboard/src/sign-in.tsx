import { useState } from 'react'
import { ApiError } from './api/client'
import { signIn, useResetSession } from './api/session'

/**
 * Sign in with an API key. The key is exchanged for an HttpOnly session cookie and then forgotten:
 * it is kept only in this form's state until the answer, never in storage or the URL.
 */
export function SignIn() {
  const [key, setKey] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const reset = useResetSession()
  const submit = async () => {
    setBusy(true)
    setError(undefined)
    try {
      await signIn(key.trim())
      setKey('')
      await reset()
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That key is not valid or has been revoked.'
          : err instanceof Error
            ? err.message
            : String(err),
      )
    } finally {
      setBusy(false)
    }
  }
  return (
    <main className="sign-in">
      <form
        aria-labelledby="sign-in-title"
        onSubmit={(e) => {
          e.preventDefault()
          void submit()
        }}
      >
        <h1 id="sign-in-title">Sign in to AgentTrail</h1>
        <p className="muted">
          Paste an API key. A key with the <code>read</code> scope sees everything; actions such as
          pausing an agent need the key&apos;s <code>control</code> or <code>admin</code> scope. The
          key is exchanged for a session cookie and is not stored in this browser.
        </p>
        <label className="field">
          <span>API key</span>
          <input
            type="password"
            name="api_key"
            autoComplete="off"
            spellCheck={false}
            required
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
          />
        </label>
        {error ? (
          <div className="field-error" id="sign-in-error" role="alert">
            {error}
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  )
}
