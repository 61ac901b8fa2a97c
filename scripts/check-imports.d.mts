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
/** Every problem: cycles first, then rule violations. Empty when the graph keeps the rules. */
export function checkImports(root: string, rules?: ImportRules): string[]
