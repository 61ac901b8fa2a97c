import { useState } from 'react'

/**
 * Copies `text` to the clipboard and says so in a live region; when the browser refuses the
 * clipboard it says how to copy by hand.
 */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'copied' | 'refused' | undefined>()
  return (
    <span className="copy-button">
      <button
        type="button"
        onClick={() =>
          void navigator.clipboard.writeText(text).then(
            () => setState('copied'),
            () => setState('refused'),
          )
        }
      >
        {label}
      </button>
      <span role="status" aria-live="polite" className="muted">
        {state === 'copied'
          ? 'Copied.'
          : state === 'refused'
            ? 'The browser refused the clipboard: select the text and press Ctrl+C (⌘C).'
            : ''}
      </span>
    </span>
  )
}
