/** A request as a documented `curl` command describes it. */
export interface CurlRequest {
  method: string
  /** Path and query, without the documented host. */
  path: string
  headers: Record<string, string>
  body?: string
}

/**
 * Reads a curl command as reference documents write it (line continuations, single- or
 * double-quoted words; -X/--request, --url or a bare URL, -H/--header, -d/--data), so tests can
 * send a documented example exactly as written, only to another host.
 */
export function parseCurl(command: string): CurlRequest {
  const words = tokenize(command.replace(/\\\r?\n/g, ' '))
  if (words.shift() !== 'curl') throw new Error('not a curl command')
  let method: string | undefined
  let url: string | undefined
  let body: string | undefined
  const headers: Record<string, string> = {}
  while (words.length > 0) {
    const word = words.shift() as string
    const value = () => {
      const next = words.shift()
      if (next === undefined) throw new Error(`${word} needs a value`)
      return next
    }
    if (word === '-X' || word === '--request') method = value()
    else if (word === '--url') url = value()
    else if (word === '-H' || word === '--header') {
      const header = value()
      const colon = header.indexOf(':')
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim()
    } else if (word === '-d' || word === '--data') body = value()
    else if (!word.startsWith('-')) url = word
    else throw new Error(`unsupported curl option ${word}`)
  }
  if (!url) throw new Error('no URL')
  const parsed = new URL(url)
  return {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    path: parsed.pathname + parsed.search,
    headers,
    body,
  }
}

function tokenize(text: string): string[] {
  const words: string[] = []
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (const m of text.matchAll(re))
    words.push(m[1] ?? (m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] as string)))
  return words
}
