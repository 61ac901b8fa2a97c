import { useRef, useState } from 'react'
import type { ReactNode } from 'react'

/**
 * A secret the API shows once (a new key, a webhook's signing secret). It lives only in the
 * state of the component that received it: never in storage, the query cache or the URL; `onDone`
 * forgets it.
 */
export function SecretOnce({
  title,
  secret,
  children,
  onDone,
}: {
  title: string
  secret: string
  children?: ReactNode
  onDone: () => void
}) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>()
  const box = useRef<HTMLInputElement>(null)
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret)
      setCopied('yes')
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      box.current?.select()
      setCopied('failed')
    }
  }
  return (
    <section className="secret-once" role="region" aria-labelledby="secret-once-title">
      <h2 id="secret-once-title">{title}</h2>
      <p>
        <strong>Copy it now: it will not be shown again.</strong> AgentTrail keeps only a hash or a
        sealed copy, and this page forgets it when you close this box.
      </p>
      {children}
      <div className="secret-row">
        <input
          ref={box}
          className="mono secret-value"
          aria-label="Secret"
          readOnly
          value={secret}
          onFocus={(e) => e.target.select()}
          spellCheck={false}
          autoComplete="off"
        />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <div role="status" aria-live="polite" className="muted">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'The browser refused the clipboard: the secret is selected, press Ctrl+C (⌘C).'
            : ''}
      </div>
      <div>
        <button type="button" onClick={onDone}>
          I have copied it, close
        </button>
      </div>
    </section>
  )
}
