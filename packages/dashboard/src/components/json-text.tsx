/**
 * A value as formatted JSON, rendered as text. Payloads are whatever an agent logged, including
 * `<script>` and `onerror=` attributes: React escapes text children, and nothing here ever goes
 * through `innerHTML`, so such a payload is shown, never run.
 */
export function JsonText({ value, label }: { value: unknown; label?: string }) {
  const text =
    value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2)
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {text}
    </pre>
  )
}
