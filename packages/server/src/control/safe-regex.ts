import { RE2JS } from 're2js'

/** The longest pattern a policy may hold (AgentLedger's limit). */
export const MAX_PATTERN_LENGTH = 200

export interface SafePattern {
  readonly source: string
  /** True when the pattern occurs anywhere in `text`. Linear in the text's length, whatever the pattern. */
  test(text: string): boolean
}

/**
 * Compiles a user's regular expression with RE2's semantics (re2js): matching takes time linear in
 * the input for every pattern, so a pattern such as `(a+)+$` cannot stall the server the way it
 * stalls a backtracking engine. Features that need backtracking (back-references, look-around) are
 * refused at compile time. Throws an Error whose message says what is wrong.
 */
export function compileSafePattern(source: string): SafePattern {
  if (source.length === 0) throw new Error('must not be empty')
  if (source.length > MAX_PATTERN_LENGTH) throw new Error(`must be at most ${MAX_PATTERN_LENGTH} characters`)
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(source)
  } catch (error) {
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error)
    throw new Error(`is not a valid pattern (${detail}); back-references and look-around are not supported`)
  }
  return { source, test: (text) => compiled.matcher(text).find() }
}
