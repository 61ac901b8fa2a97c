import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { usage } from './exit-codes.js'

type Options = NonNullable<ParseArgsConfig['options']>

/** The parsed flags: strings, or booleans for the boolean options; absent ones undefined. */
export type Flags<O extends Options> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string
} & { help?: boolean }

/**
 * `parseArgs` (strict, with positionals and `--help`/`-h`) for one command; a bad flag prints what
 * was wrong and where the help is, and gives exit code 2 instead of the parsed flags.
 */
export function commandFlags<const O extends Options>(
  args: string[],
  options: O,
  command: string,
): { values: Flags<O>; positionals: string[] } | number {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, ...HELP },
      allowPositionals: true,
      strict: true,
    })
    return { values: values as Flags<O>, positionals }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return usage(`${message}\nSee \`agenttrail ${command} --help\`.`)
  }
}

const HELP = { help: { type: 'boolean', short: 'h' } } as const

/** Prints a command's help on stdout: exit code 0. */
export function printHelp(text: string): number {
  process.stdout.write(text)
  return 0
}

/** A whole number in [min, max] from a flag, or undefined when it is not one. */
export function wholeNumber(
  text: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= min && n <= max ? n : undefined
}
