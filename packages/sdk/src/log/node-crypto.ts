// node:crypto and node:buffer, typed structurally so the SDK's public types need no @types/node,
// and loaded on first use so that importing the SDK outside Node costs nothing.

/** The bytes type of node:buffer, as far as the verifier uses it. */
export interface Bytes extends Uint8Array {
  equals(other: Uint8Array): boolean
  toString(encoding?: 'hex' | 'base64' | 'utf8'): string
  readBigUInt64BE(offset: number): bigint
  subarray(start?: number, end?: number): Bytes
}

/** What the verifier needs from Node: SHA-256, Ed25519 verification and base64. */
export interface LogCrypto {
  sha256(...parts: (Uint8Array | string)[]): Bytes
  /** Ed25519 over `message` with the raw 32-byte `publicKey`. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
  fromBase64(text: string): Bytes
  fromUtf8(text: string): Bytes
  concat(parts: readonly Uint8Array[]): Bytes
}

interface Hash {
  update(data: Uint8Array | string, encoding?: 'utf8'): Hash
  digest(): Bytes
}
interface CryptoModule {
  createHash(algorithm: 'sha256'): Hash
  createPublicKey(options: { key: Uint8Array; format: 'der'; type: 'spki' }): unknown
  verify(algorithm: null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean
}
interface BufferModule {
  Buffer: {
    from(data: string, encoding: 'base64' | 'utf8'): Bytes
    from(data: readonly number[] | Uint8Array): Bytes
    concat(parts: readonly Uint8Array[]): Bytes
  }
}

/** The DER prefix of an SPKI Ed25519 public key, before its 32 bytes (RFC 8410). */
const SPKI_ED25519 = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

let loading: Promise<LogCrypto> | undefined

/** node:crypto and node:buffer, loaded once; rejects where the runtime has neither. */
export function logCrypto(): Promise<LogCrypto> {
  return (loading ??= (async () => {
    const crypto = (await import('node:crypto')) as unknown as CryptoModule
    const { Buffer } = (await import('node:buffer')) as unknown as BufferModule
    const keys = new Map<string, unknown>()
    return {
      sha256(...parts) {
        const hash = crypto.createHash('sha256')
        for (const part of parts) hash.update(part)
        return hash.digest()
      },
      ed25519Verify(publicKey, message, signature) {
        if (publicKey.length !== 32 || signature.length !== 64) return false
        const der = Buffer.concat([Buffer.from(SPKI_ED25519), publicKey])
        // A history walk checks thousands of notes by one or two keys: parse each key once.
        const id = der.toString('base64')
        let key = keys.get(id)
        if (key === undefined) {
          key = crypto.createPublicKey({ key: der, format: 'der', type: 'spki' })
          if (keys.size >= 64) keys.clear()
          keys.set(id, key)
        }
        return crypto.verify(null, message, key, signature)
      },
      fromBase64: (text) => Buffer.from(text, 'base64'),
      fromUtf8: (text) => Buffer.from(text, 'utf8'),
      concat: (parts) => Buffer.concat(parts),
    }
  })())
}
