import { z } from 'zod'

/** A tree size or leaf index in a query: a whole number in decimal, from 0 to 2^53 - 1. */
export const sizeParam = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a whole number (decimal digits)')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be at most 9007199254740991')
  .meta({ type: 'string', description: 'A whole number.' })

const base64Hash = z.string().describe('SHA-256, base64.')

export const LogKeySchema = z
  .object({
    name: z.string().describe("The key name: the org log's origin."),
    key_id: z.string().describe('The signed-note key id (Ed25519), hex.'),
    vkey: z.string().describe('The signed-note verifier key: `<name>+<key id>+<base64 key>`.'),
    algorithm: z.literal('ed25519'),
    not_before: z.string().describe('When the key began signing.'),
    not_after: z.string().nullable().describe('When it stopped; null while it is current.'),
  })
  .meta({ id: 'LogKey' })

export const LogKeysSchema = z.object({ keys: z.array(LogKeySchema) })

export const CheckpointSchema = z
  .object({
    tree_size: z.number().int(),
    root_hash: base64Hash,
    created_at: z.string(),
    kind: z.enum(['growth', 'heartbeat']),
    note: z.string().describe('The signed note (C2SP tlog-checkpoint).'),
  })
  .meta({ id: 'Checkpoint' })

export const CheckpointPageSchema = z.object({
  checkpoints: z.array(CheckpointSchema),
  next_cursor: z.string().nullable(),
})

export const InclusionProofSchema = z
  .object({
    leaf_index: z.number().int(),
    tree_size: z.number().int(),
    leaf_hash: base64Hash,
    leaf: z.string().describe('The leaf as committed (JCS text).'),
    hashes: z.array(base64Hash).describe('RFC 6962 PATH(leaf_index, D[tree_size]), leaf to root.'),
    checkpoint: z.string().describe('The signed checkpoint of tree_size.'),
  })
  .meta({ id: 'InclusionProof' })

export const ConsistencyProofSchema = z
  .object({
    first: z.number().int(),
    second: z.number().int(),
    hashes: z.array(base64Hash).describe('RFC 6962 PROOF(first, D[second]).'),
  })
  .meta({ id: 'ConsistencyProof' })

export const LeavesSchema = z.object({
  leaves: z.array(z.object({ seq: z.number().int(), leaf_hash: base64Hash, leaf: z.string() })),
})

export const LogStatusSchema = z
  .object({
    tree_size: z.number().int().describe("Leaves in the org's log."),
    trail_seq: z.number().int().describe('The highest seq the org has committed.'),
    latest_checkpoint: z
      .object({ tree_size: z.number().int(), created_at: z.string(), root_hash: base64Hash })
      .nullable(),
    key_id: z
      .string()
      .nullable()
      .describe(
        "The current signing key's key id under this org log's name, hex; null before the first start.",
      ),
    lag_events: z.number().int().describe('Leaves not yet covered by a checkpoint.'),
  })
  .meta({ id: 'LogStatus' })
