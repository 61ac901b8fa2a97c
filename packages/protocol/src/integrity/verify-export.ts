import { EMPTY_ROOT } from './merkle.js'
import { CheckpointChecker, openCheckpoint } from './verify-checkpoints.js'
import type { SignedCheckpoint } from './verify-checkpoints.js'
import { EntryChecker } from './verify-entries.js'
import { trustedKey } from './verify-keys.js'
import type { TrustedKey, TrustedKeyInput } from './verify-keys.js'
import { ProblemList } from './verify-report.js'
import type { VerifyReport } from './verify-report.js'
import { checkTimeline } from './verify-timeline.js'
import { TreeRecord } from './verify-tree.js'

/** The export format this verifier reads (docs/integrity.md, "The verifiable export"). */
export const EXPORT_FORMAT = 'agenttrail-log-export/1'

export interface VerifyExportOptions {
  /**
   * The keys to trust, pinned out of band (from `/.well-known/agenttrail/log-keys` or the
   * operator). Default: the export's own key lines, which proves only that the export agrees
   * with itself, so the report warns `keys_not_pinned`.
   */
  keys?: readonly TrustedKeyInput[]
  /** A checkpoint note an auditor saved earlier: the export must extend it. */
  pinnedCheckpoint?: string
  /** Problems listed in the report; more are counted. Default 1000. */
  maxProblems?: number
  /** The longest silence between checkpoints before a `heartbeat_gap` warning. Default 3900 s. */
  maxCheckpointGapSeconds?: number
}

type Json = Record<string, unknown>
type Phase = 'header' | 'keys' | 'entries' | 'checkpoints' | 'end'
const ORDER: Phase[] = ['header', 'keys', 'entries', 'checkpoints', 'end']
const PHASE_OF: Record<string, Phase> = {
  header: 'header',
  key: 'keys',
  entry: 'entries',
  checkpoint: 'checkpoints',
  end: 'end',
}

/**
 * Verifies a verifiable export (JSONL, one line at a time: events are never all in memory) and
 * reports every problem with where it is. Throws only for bad options (an unreadable trusted key).
 */
export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  options: VerifyExportOptions = {},
): Promise<VerifyReport> {
  const started = performance.now()
  const pinnedKeys = options.keys?.map(trustedKey) ?? null
  const problems = new ProblemList(options.maxProblems ?? 1000)
  const tree = new TreeRecord()
  const exportKeys: TrustedKey[] = []
  const keys = () => (pinnedKeys === null ? exportKeys : pinnedKeys)
  let header: { org_id: string; origin: string; tree_size: number; generated_at: number } | null =
    null
  let entries: EntryChecker | null = null
  let checkpoints: CheckpointChecker | null = null
  let phase: Phase | null = null
  let endCount: number | null = null
  let lineNo = 0

  for await (const raw of lines) {
    lineNo++
    if (raw.trim() === '') continue
    let line: Json
    try {
      line = JSON.parse(raw) as Json
    } catch {
      problems.add('bad_line', `line ${lineNo} is not JSON`)
      continue
    }
    const next = PHASE_OF[String(line?.type)]
    if (next === undefined) {
      problems.add('bad_line', `line ${lineNo}: unknown line type ${JSON.stringify(line?.type)}`)
      continue
    }
    if (phase === null && next !== 'header') {
      problems.add('bad_header', 'the export does not start with its header line')
    } else if (
      phase !== null &&
      (next === 'header' || phase === 'end' || ORDER.indexOf(next) < ORDER.indexOf(phase))
    ) {
      problems.add('bad_line', `line ${lineNo}: a ${next} line after the ${phase} lines`)
      continue
    }
    phase = next
    if (next === 'header') {
      header = readHeader(line, problems)
    } else if (next === 'keys') {
      const key = readKey(line, problems, lineNo)
      if (key !== undefined) exportKeys.push(key)
    } else if (next === 'entries') {
      entries ??= new EntryChecker(problems, tree, header?.org_id ?? null)
      entries.check(line)
    } else if (next === 'checkpoints') {
      const seqs = entries?.seqs
      checkpoints ??= new CheckpointChecker(
        problems,
        tree,
        keys,
        header?.origin ?? null,
        () => seqs?.complete ?? true,
      )
      checkpoints.check(line)
    } else {
      endCount = typeof line.entries === 'number' ? line.entries : -1
    }
  }

  if (phase === null) problems.add('bad_header', 'the input holds no line: not an export')
  const erasures = entries?.finish() ?? []
  const entryCount = entries?.entries ?? 0
  if (pinnedKeys === null)
    problems.add(
      'keys_not_pinned',
      'keys taken from the export, not pinned: pass --keys-file or --key to prove who signed',
    )
  if (header !== null && header.tree_size !== entryCount)
    problems.add(
      'count_mismatch',
      `the header says ${header.tree_size} events, the export holds ${entryCount}`,
    )
  if (endCount === null)
    problems.add('missing_end', 'the export ends without its end line: it was cut short')
  else if (endCount !== entryCount)
    problems.add(
      'count_mismatch',
      `the end line says ${endCount} events, the export holds ${entryCount}`,
    )
  const signed = [...(checkpoints?.signed ?? [])]
  if (options.pinnedCheckpoint !== undefined) {
    const pinned = checkPinned(
      options.pinnedCheckpoint,
      keys(),
      header?.origin ?? null,
      tree,
      problems,
    )
    if (pinned !== undefined) signed.push(pinned)
  }
  checkTimeline(
    signed,
    header?.generated_at ?? null,
    options.maxCheckpointGapSeconds ?? 3900,
    problems,
  )
  const covered = (checkpoints?.signed ?? []).reduce((n, c) => Math.max(n, c.size), 0)
  if (entryCount > 0 && (checkpoints?.lines ?? 0) === 0)
    problems.add('no_checkpoint', 'the export holds no checkpoint: nothing in it is signed')
  else if (tree.size > covered)
    problems.add(
      'unanchored_tail',
      `events ${covered + 1} to ${tree.size} come after the last checkpoint: no signature covers them, and an export holds only signed events, so they were added to it`,
      { seq: covered + 1 },
    )
  const status = problems.errors > 0 ? 'failed' : problems.warnings > 0 ? 'warnings' : 'intact'
  return {
    ok: problems.errors === 0,
    status,
    origin: header?.origin ?? null,
    org_id: header?.org_id ?? null,
    entries: entryCount,
    erased: entries?.erased ?? 0,
    checkpoints: checkpoints?.lines ?? 0,
    verified_size: checkpoints?.verifiedSize ?? 0,
    erasures,
    problems: problems.items,
    problems_omitted: problems.omitted,
    elapsed_ms: Math.round(performance.now() - started),
  }
}

function readHeader(line: Json, problems: ProblemList) {
  const { format, org_id, origin, tree_size, generated_at } = line
  const generated = typeof generated_at === 'string' ? Date.parse(generated_at) : NaN
  if (format !== EXPORT_FORMAT) {
    problems.add(
      'bad_header',
      `the header's format is ${JSON.stringify(format)}, not ${EXPORT_FORMAT}`,
    )
    return null
  }
  if (
    typeof org_id !== 'string' ||
    typeof origin !== 'string' ||
    typeof tree_size !== 'number' ||
    !Number.isSafeInteger(tree_size) ||
    Number.isNaN(generated)
  ) {
    problems.add('bad_header', 'the header needs org_id, origin, tree_size and generated_at')
    return null
  }
  return { org_id, origin, tree_size, generated_at: generated }
}

function readKey(line: Json, problems: ProblemList, lineNo: number): TrustedKey | undefined {
  try {
    const key = trustedKey({
      vkey: String(line.vkey),
      not_before: line.not_before as string | null,
      not_after: line.not_after as string | null,
    })
    if (line.key_id !== key.keyId.toString('hex') || line.name !== key.name)
      throw new Error('its name and key_id do not match its vkey')
    return key
  } catch (error) {
    problems.add('bad_key', `key line ${lineNo}: ${(error as Error).message}`)
    return undefined
  }
}

/** The auditor's saved checkpoint: signed by a trusted key, and a prefix of the export's tree. */
function checkPinned(
  note: string,
  keys: readonly TrustedKey[],
  origin: string | null,
  tree: TreeRecord,
  problems: ProblemList,
): SignedCheckpoint | undefined {
  const found = new ProblemList(10)
  const cp = openCheckpoint(note, keys, origin, found, 'the pinned checkpoint', {})
  for (const p of found.items)
    problems.add(cp === undefined ? 'pinned_checkpoint_invalid' : p.code, p.message)
  if (cp === undefined) return undefined
  const at = { tree_size: cp.size }
  if (cp.size > tree.size)
    problems.add(
      'log_rolled_back',
      `log rolled back: the pinned checkpoint has size ${cp.size}, the export only ${tree.size} events`,
      at,
    )
  else if (!(cp.size === 0 ? EMPTY_ROOT : tree.rootAt(cp.size))?.equals(cp.root))
    problems.add(
      'pinned_checkpoint_inconsistent',
      `the export is not consistent with the pinned checkpoint at size ${cp.size}: history up to it was rewritten`,
      at,
    )
  return cp
}
