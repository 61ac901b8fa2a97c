import type { EventRow } from './event-row.js'

/**
 * The text the full-text index holds for one event: the title and the string values (not the keys)
 * of input, output and error.
 */
export function searchableText(
  row: Pick<EventRow, 'title' | 'input' | 'output' | 'error'>,
): string {
  const parts: string[] = []
  if (row.title) parts.push(row.title)
  for (const field of [row.input, row.output, row.error])
    if (field !== null) collectStrings(JSON.parse(field), parts)
  return parts.join('\n')
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value)
  else if (typeof value === 'number' || typeof value === 'boolean') out.push(String(value))
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, out)
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, out)
}

/** Text without accents (é → e), as both dialects index and search it. */
export function foldAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '')
}

/** Words of a full-text query, as the index's tokenizer sees them (letters and digits). */
export function searchTerms(q: string): string[] {
  return [
    ...new Set(
      (
        foldAccents(q)
          .toLowerCase()
          .match(/[\p{L}\p{N}]+/gu) ?? []
      ).slice(0, 16),
    ),
  ]
}

/** The longest word PostgreSQL keeps in a `tsvector` (bytes); to_tsvector skips longer ones too. */
const MAX_WORD_BYTES = 2_047
/**
 * The most bytes of words one event's `tsvector` holds: PostgreSQL refuses a vector whose words
 * together pass 1 MiB. Event limits keep the text below that, but folding accents (NFKD) can
 * lengthen it; words past this budget, in order of first appearance, are not indexed.
 */
const MAX_WORDS_BYTES = 1_000_000

/** Whether a word fits in a `tsvector` (at most 2,047 bytes); no event holds a longer one. */
export function indexableWord(word: string): boolean {
  return word.length * 3 <= MAX_WORD_BYTES || Buffer.byteLength(word) <= MAX_WORD_BYTES
}

/**
 * The distinct words of an event's searchable text as `searchTerms` cuts a query into words
 * (accents folded, lower case, letters and digits), so that a word of a query matches a word of
 * an event exactly. PostgreSQL's search index holds these (postgres-search-index.ts), and a search
 * matches the events it has not reached yet with them (postgres-query.ts).
 */
export function searchWords(row: Pick<EventRow, 'title' | 'input' | 'output' | 'error'>): string[] {
  const text = foldAccents(searchableText(row)).toLowerCase()
  const words = [...new Set(text.match(/[\p{L}\p{N}]+/gu))]
  // A UTF-16 unit is at most 3 bytes of UTF-8: short text needs no byte counts.
  if (text.length * 3 <= MAX_WORDS_BYTES) return words.filter(indexableWord)
  let total = 0
  return words.filter((w) => {
    const bytes = Buffer.byteLength(w)
    if (bytes > MAX_WORD_BYTES || total + bytes > MAX_WORDS_BYTES) return false
    total += bytes
    return true
  })
}
