import { RE2JS } from 're2js'

/** The longest pattern a policy may hold (AgentLedger's limit). */
export const MAX_PATTERN_LENGTH = 200
/**
 * The most instructions a compiled pattern may have. Matching is linear in the input, but the
 * constant grows with the program: `(?:a{1,100}){1,10}x` compiles to 2,002 instructions and needs
 * seconds for 256 KB. Real patterns (an SSN, a key format, a word list) stay well under 300.
 */
export const MAX_PROGRAM = 1_000

export interface PatternSpec {
  source: string
  caseInsensitive: boolean
}

export interface SafePattern extends PatternSpec {
  /** Instructions of the compiled program: the cost of matching one character, roughly. */
  readonly size: number
  /** True when the pattern occurs anywhere in `text`. Linear in the text's length, whatever the pattern. */
  test(text: string): boolean
}

/**
 * Compiles a user's regular expression with RE2's semantics (re2js): matching takes time linear in
 * the input for every pattern, so a pattern such as `(a+)+$` cannot stall the server the way it
 * stalls a backtracking engine. Features that need backtracking (back-references, look-around) are
 * refused, and so are patterns whose program is too large. Throws an Error whose message says what
 * is wrong (it becomes a validation message naming the pattern).
 */
export function compileSafePattern(source: string, caseInsensitive = false): SafePattern {
  if (source.length === 0) throw new Error('must not be empty')
  if (source.length > MAX_PATTERN_LENGTH)
    throw new Error(`must be at most ${MAX_PATTERN_LENGTH} characters`)
  let compiled: RE2JS
  try {
    compiled = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0)
  } catch (error) {
    const detail =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error)
    throw new Error(
      `is not a valid pattern (${detail}); back-references and look-around are not supported`,
    )
  }
  const size = programSize(compiled)
  if (size > MAX_PROGRAM)
    throw new Error(
      `is too complex: it compiles to ${size} instructions, at most ${MAX_PROGRAM} (large counted repetitions such as {1,100} nested in another multiply)`,
    )
  return { source, caseInsensitive, size, test: (text) => compiled.matcher(text).find() }
}

/** The compiled program's length, read from re2js's compiled form. */
function programSize(compiled: RE2JS): number {
  const prog = (compiled as unknown as { re2Input?: { prog?: { inst?: unknown[] } } }).re2Input
    ?.prog?.inst
  return Array.isArray(prog) ? prog.length : 0
}
