/**
 * At most `max` UTF-16 units, ending in `…` when cut; a surrogate pair is never split. Services
 * count characters; counting units is never more lenient than that.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}

/**
 * `text` escaped by `escape`, then cut to `max` without leaving half an entity (`&am…`) behind.
 */
export function truncateEscaped(text: string, max: number, escape: (s: string) => string): string {
  const escaped = escape(text)
  if (escaped.length <= max) return escaped
  const cut = truncate(escaped, max).slice(0, -1)
  return `${cut.replace(/&[a-z#0-9]*$/i, '')}…`
}
