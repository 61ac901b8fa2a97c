/** Longest subject returned, in characters; longer text is cut at a word and ends with `…`. */
export const SUBJECT_MAX_CHARS = 160

export interface SubjectSources {
  /** JSON text of `metadata.subject` of the earliest event that has a string there. */
  metadataSubject: string | null
  /** JSON text of the `content` of the earliest `role: "user"` message in any event's `messages`. */
  firstUserContent: string | null
  /** `title` of the earliest event that has one. */
  firstTitle: string | null
}

/**
 * What a conversation is about, in one line. In order: the subject a client set explicitly
 * (`metadata.subject`), the first thing the user said (what the conversation is about, where a title
 * usually describes one call), the first event's title. Earliest means by `ts`, then `seq`, so the
 * answer never changes unless earlier events arrive.
 */
export function conversationSubject(sources: SubjectSources): string | null {
  for (const text of [
    fromJson(sources.metadataSubject),
    fromJson(sources.firstUserContent),
    sources.firstTitle,
  ]) {
    const line = oneLine(text)
    if (line) return line
  }
  return null
}

function fromJson(text: string | null): string | null {
  if (text === null) return null
  try {
    return contentText(JSON.parse(text) as unknown)
  } catch {
    return null
  }
}

/** Message content as text: a string, or the text blocks of a content array (Anthropic, OpenAI parts). */
export function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return null
  const parts = content
    .map((block: unknown) =>
      typeof block === 'string'
        ? block
        : block &&
            typeof block === 'object' &&
            typeof (block as { text?: unknown }).text === 'string'
          ? (block as { text: string }).text
          : '',
    )
    .filter(Boolean)
  return parts.length > 0 ? parts.join(' ') : null
}

function oneLine(text: string | null): string | null {
  if (text === null) return null
  const line = text.replace(/\s+/g, ' ').trim()
  if (line.length === 0) return null
  if (line.length <= SUBJECT_MAX_CHARS) return line
  let cut = line.slice(0, SUBJECT_MAX_CHARS - 1)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1) // never half a surrogate pair
  const space = cut.lastIndexOf(' ')
  return `${space > SUBJECT_MAX_CHARS / 2 ? cut.slice(0, space) : cut}…`
}
