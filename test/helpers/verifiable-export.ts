import { generateKeyPairSync } from 'node:crypto'
import type { Event } from '@agenttrail/protocol'
import {
  EMPTY_ROOT,
  checkpointBody,
  consistencyProof,
  ed25519Signer,
  keyId,
  leafBytes,
  leafHash,
  newSalt,
  signNote,
  verifierKey,
} from '../../packages/protocol/src/integrity/index.js'
import type { NoteSigner } from '../../packages/protocol/src/integrity/index.js'
import { TreeRecord } from '../../packages/protocol/src/integrity/verify-tree.js'

/** A log signing key made for a test: its signer, verifier key and key line. */
export interface TestKey {
  signer: NoteSigner
  vkey: string
  keyIdHex: string
  notBefore: string
  notAfter: string | null
}

/** A fresh Ed25519 key named `name` (the log's origin), in use from `notBefore`. */
export function testKey(name: string, notBefore = '2026-01-01T00:00:00.000Z'): TestKey {
  const { privateKey } = generateKeyPairSync('ed25519')
  const signer = ed25519Signer(name, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
  return {
    signer,
    vkey: verifierKey(name, signer.publicKey),
    keyIdHex: keyId(name, 1, signer.publicKey).toString('hex'),
    notBefore,
    notAfter: null,
  }
}

/** One entry of the log: the event, its salt and leaf, and the tombstone that erased it. */
export interface TestEntry {
  event: Event
  salt: Buffer
  leaf: string
  hash: Buffer
  erasedBy: number | null
}

export interface TestCheckpoint {
  size: number
  /** Unix seconds, as the timestamped cosignature says. */
  time: number
  note: string
}

/** A full API event with every field present, as `rowToEvent` returns it. */
export function apiEvent(orgId: string, seq: number, at: Date, fields: Partial<Event> = {}): Event {
  const iso = at.toISOString()
  return {
    id: `0190a5c4-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`,
    org_id: orgId,
    seq,
    environment: 'production',
    idempotency_key: null,
    ts: iso,
    received_at: iso,
    agent: 'billing-agent',
    user: `user${seq % 7}@example.com`,
    ip_address: '203.0.113.7',
    kind: 'llm_call',
    service: 'openai',
    action: 'chat.completions',
    status: 'success',
    title: `answer ticket ${seq}`,
    trace_id: null,
    span_id: null,
    parent_span_id: null,
    conversation_id: `conv-${Math.floor(seq / 10)}`,
    provider: 'openai',
    model: 'gpt-4o-mini',
    tokens_input: 120,
    tokens_output: 48,
    tokens_cache_read: null,
    tokens_cache_write: null,
    tokens_total: 168,
    cost_usd: 0.000123,
    cost_source: 'client',
    stop_reason: 'stop',
    rate_limit: null,
    input: { prompt: `Where is order ${seq}?` },
    output: { text: `Order ${seq} ships tomorrow.` },
    system_prompt_sha256: null,
    messages: null,
    thinking: null,
    tool_calls: null,
    error: null,
    duration_ms: 812,
    tags: ['support'],
    metadata: { ticket: `T-${seq}`, email: `customer${seq}@example.com` },
    context: null,
    control: null,
    ...fields,
  }
}

/**
 * A verifiable log built without a server, with the integrity core: events → salts → leaves →
 * tree → checkpoints signed with a test key. `lines()` writes the export of SPEC18's format,
 * which tests then tamper with line by line.
 */
export class TestLog {
  readonly entries: TestEntry[] = []
  readonly checkpoints: TestCheckpoint[] = []
  readonly tree = new TreeRecord()
  readonly key: TestKey
  /** Unix seconds: the log's clock, 60 s per checkpoint unless a time is given. */
  clock = Date.parse('2026-06-01T00:00:00Z') / 1000

  constructor(
    readonly orgId = 'default',
    readonly origin = `agenttrail-test/t/${orgId}`,
  ) {
    this.key = testKey(origin)
  }

  get size(): number {
    return this.entries.length
  }

  /** Appends `count` events made by `make` (default: realistic LLM calls). */
  append(count = 1, make: (seq: number) => Partial<Event> = () => ({})): this {
    for (let i = 0; i < count; i++) {
      const seq = this.size + 1
      this.add(apiEvent(this.orgId, seq, new Date(this.clock * 1000 + i), make(seq)))
    }
    return this
  }

  /** Signs a checkpoint of the current size (or `size`), at `time` or the clock plus 60 s. */
  checkpoint(
    options: {
      size?: number
      time?: number
      signer?: NoteSigner
      origin?: string
      /** Without the timestamped cosignature (no log of ours signs one so). */
      untimed?: boolean
    } = {},
  ) {
    const size = options.size ?? this.size
    this.clock = options.time ?? this.clock + 60
    const root = size === 0 ? EMPTY_ROOT : this.tree.rangeHash(0, size)
    const body = checkpointBody(options.origin ?? this.origin, size, root)
    const signer = options.signer ?? this.key.signer
    const note = options.untimed ? signNote(body, signer) : signNote(body, signer, this.clock)
    const cp = { size, time: this.clock, note }
    this.checkpoints.push(cp)
    return cp
  }

  /**
   * Erases events the lawful way: a `log.erasure` audit tombstone naming their ranges is
   * appended, and their entries keep only the leaf.
   */
  erase(seqs: readonly number[], reason = 'GDPR Art. 17 request'): number {
    const sorted = [...seqs].sort((a, b) => a - b)
    const ranges: [number, number][] = []
    for (const s of sorted) {
      const last = ranges.at(-1)
      if (last !== undefined && last[1] === s - 1) last[1] = s
      else ranges.push([s, s])
    }
    const seq = this.size + 1
    this.add(
      apiEvent(this.orgId, seq, new Date(this.clock * 1000), {
        kind: 'audit',
        action: 'log.erasure',
        user: 'system',
        agent: null,
        ip_address: null,
        input: null,
        output: null,
        metadata: {
          erased: ranges,
          count: sorted.length,
          reason,
          selector: { by: 'event' },
          request_ref: null,
        },
      }),
    )
    for (const s of sorted) (this.entries[s - 1] as TestEntry).erasedBy = seq
    return seq
  }

  /** The export's lines. `withLeaves` adds each live entry's leaf text (field names on edits). */
  async lines(options: { withLeaves?: boolean; keys?: TestKey[] } = {}): Promise<string[]> {
    const out = [
      JSON.stringify({
        type: 'header',
        format: 'agenttrail-log-export/1',
        org_id: this.orgId,
        origin: this.origin,
        tree_size: this.size,
        generated_at: new Date(this.clock * 1000 + 1000).toISOString(),
      }),
    ]
    for (const key of options.keys ?? [this.key])
      out.push(
        JSON.stringify({
          type: 'key',
          name: key.signer.name,
          key_id: key.keyIdHex,
          vkey: key.vkey,
          not_before: key.notBefore,
          not_after: key.notAfter,
        }),
      )
    for (const e of this.entries) out.push(JSON.stringify(entryLine(e, options.withLeaves)))
    const sorted = [...this.checkpoints].sort((a, b) => a.size - b.size || a.time - b.time)
    let previous = 0
    for (const cp of sorted) {
      const proof = await consistencyProof(previous, cp.size, (lo, hi) =>
        this.tree.rangeHash(lo, hi),
      )
      out.push(JSON.stringify(checkpointLine(cp, proof)))
      previous = cp.size
    }
    out.push(JSON.stringify({ type: 'end', entries: this.size }))
    return out
  }

  private add(event: Event): void {
    const salt = newSalt()
    const leaf = leafBytes(event, salt)
    const hash = leafHash(leaf)
    this.entries.push({ event, salt, leaf, hash, erasedBy: null })
    this.tree.append(hash)
  }
}

/** An entry line: live (event and salt) or erased (the leaf and its tombstone). */
export function entryLine(e: TestEntry, withLeaf = false): Record<string, unknown> {
  const base = { type: 'entry', seq: e.event.seq, leaf_hash: e.hash.toString('base64') }
  if (e.erasedBy !== null) return { ...base, leaf: e.leaf, erased_by: e.erasedBy }
  return {
    ...base,
    event: e.event,
    salt: e.salt.toString('base64'),
    ...(withLeaf ? { leaf: e.leaf } : {}),
  }
}

/** A checkpoint line with its consistency proof from the previous line's size. */
export function checkpointLine(cp: TestCheckpoint, proof: readonly Buffer[]) {
  return {
    type: 'checkpoint',
    tree_size: cp.size,
    created_at: new Date(cp.time * 1000).toISOString(),
    note: cp.note,
    consistency: proof.map((h) => h.toString('base64')),
  }
}
