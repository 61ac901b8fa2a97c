/** Room (folder or file, from the repository root) to what its sources may import besides itself. */
export type ImportRules = Record<string, readonly string[]>
export const RULES: ImportRules
/** Arrows between the source files of packages/x/src (tests and contracts left out). */
export function importGraph(root: string): Array<{ from: string; to: string }>
/** Circles among the children of every folder. */
export function folderCycles(edges: ReadonlyArray<{ from: string; to: string }>): string[]
/** Imports a room's rule does not allow. */
export function ruleViolations(
  edges: ReadonlyArray<{ from: string; to: string }>,
  rules: ImportRules,
): string[]
/** Entry point to the files (and folders, ending in `/`) it may load besides Node's built-ins. */
export type BuiltinsOnly = Record<string, readonly string[]>
export const BUILTINS_ONLY: BuiltinsOnly
/** What the BUILTINS_ONLY entries reach beyond Node's built-ins and their allowed files. */
export function builtinsOnlyViolations(root: string, builtinsOnly?: BuiltinsOnly): string[]
/** Every problem: cycles, rule violations, then BUILTINS_ONLY ones. Empty when all rules hold. */
export function checkImports(
  root: string,
  rules?: ImportRules,
  builtinsOnly?: BuiltinsOnly,
): string[]
