/** A transaction's rows, their search text as each store's indexer makes it, and their COPY text. */
export interface LimitChunk {
  rows: unknown[][]
  texts: string[]
  /** COPY text of the rows with an empty search field. */
  copyEmpty: string
  /** COPY text of the rows with their accent-folded search text. */
  copyWithText: string
}

/** What a variant holds after its writes. */
export interface LimitCheck {
  rows: number
  found: number
  title: string | null
  input: string | null
}

export interface LimitVariant {
  /** Milliseconds of wall time the chunk's transaction took, commit included. */
  write(chunk: LimitChunk): number | Promise<number>
  check(word: string, seq: number): LimitCheck | Promise<LimitCheck>
  close(): void | Promise<void>
}

export function eventColumns(): Promise<string>
export function sqliteVariant(
  dir: string,
  name: string,
  options: { indexes: boolean; fts: boolean },
): Promise<LimitVariant & { indexes: number }>
export function postgresVariant(
  pgBase: string,
  name: string,
  options: { staged: boolean; vector: boolean; gin: boolean },
): Promise<LimitVariant>
export function postgresDurability(pgBase: string): Promise<Record<string, string>>
export function copyField(value: unknown): string
