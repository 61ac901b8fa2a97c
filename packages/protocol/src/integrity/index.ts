/**
 * Integrity: the Merkle log, signed notes and checkpoints, leaves and their commitments. This entry
 * point imports nothing but `node:crypto` and its own files, so an offline verifier needs Node's
 * built-ins only (`@agenttrail/protocol/integrity`).
 */
export { jcs, JcsError } from './jcs.js'
export {
  EMPTY_ROOT,
  Frontier,
  HASH_SIZE,
  consistencyProof,
  inclusionPath,
  largestPowerOfTwoBelow,
  leafHash,
  nodeHash,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js'
export type { CompletedNode, RangeHash } from './merkle.js'
export {
  COSIGNATURE_V1,
  ED25519,
  NoteError,
  addSignatures,
  cosignedMessage,
  ed25519KeyFromSeed,
  ed25519Signer,
  generateEd25519Pem,
  keyId,
  openNote,
  parseVerifierKey,
  rawPublicKey,
  signNote,
  signatureLine,
  verifierKey,
} from './note.js'
export type { NoteKey, NoteSignature, NoteSigner, OpenedNote } from './note.js'
export { CheckpointError, checkpointBody, parseCheckpoint } from './checkpoint.js'
export type { Checkpoint } from './checkpoint.js'
export {
  COMMIT_DOMAIN,
  PERSONAL_FIELDS,
  SALT_SIZE,
  commitmentsOf,
  committedEvent,
  fieldCommitment,
  newSalt,
  pointer,
} from './leaf-commit.js'
export { LEAF_VERSION, LeafError, finishLeaf, leafBytes, parseLeaf, prepareLeaf } from './leaf.js'
export type { PreparedLeaf } from './leaf.js'
export { EXPORT_FORMAT, verifyExport } from './verify-export.js'
export type { VerifyExportOptions } from './verify-export.js'
export { parseKeysFile, trustedKey } from './verify-keys.js'
export type { TrustedKey, TrustedKeyInput } from './verify-keys.js'
export { VERIFY_PROBLEM_CODES } from './verify-report.js'
export type {
  ProblemSeverity,
  VerifyErasure,
  VerifyProblem,
  VerifyProblemCode,
  VerifyReport,
} from './verify-report.js'
export { TreeRecord } from './verify-tree.js'
