/**
 * Bytes for the browser's proof checks: base64 (standard alphabet, padded, as the log's API writes
 * hashes), hex, and SHA-256 through WebCrypto. The dashboard never imports `node:crypto`.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Decodes standard padded base64; throws on anything else, so a mangled hash is not read as another. */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new Error(`"${text.slice(0, 60)}" is not base64`)
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  return out
}

export function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number)
  return diff === 0
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/**
 * WebCrypto, or why there is none: browsers offer `crypto.subtle` only in secure contexts (HTTPS,
 * or http://localhost), so a dashboard served over plain HTTP elsewhere cannot check anything.
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle
  if (!subtle)
    throw new CryptoUnavailable(
      'this page is not a secure context (HTTPS or localhost), so the browser offers no WebCrypto',
    )
  return subtle
}

/** The browser cannot run a check (no WebCrypto, or no Ed25519 in it): not a failed proof. */
export class CryptoUnavailable extends Error {
  override name = 'CryptoUnavailable'
}

export async function sha256(...parts: readonly Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await subtleCrypto().digest('SHA-256', concatBytes(...parts)))
}
