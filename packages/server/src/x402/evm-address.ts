import { keccak_256 } from '@noble/hashes/sha3.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'

/** `0x` and 40 hex digits, any case. */
const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** True for `0x` and 40 hex digits (the checksum is not required). */
export function isEvmAddress(value: string): boolean {
  return ADDRESS.test(value)
}

/**
 * The EIP-55 mixed-case form of an address (https://eips.ethereum.org/EIPS/eip-55): one canonical
 * spelling, so addresses compare as strings and a unique index over them is case-insensitive.
 * Throws on a value that is not an address; callers check with `isEvmAddress` first.
 */
export function checksumAddress(address: string): string {
  if (!ADDRESS.test(address)) throw new Error('not an EVM address')
  const lower = address.slice(2).toLowerCase()
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)))
  let out = '0x'
  for (let i = 0; i < 40; i++)
    out += Number.parseInt(hash[i] as string, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]
  return out
}

/** The address of an uncompressed secp256k1 public key (65 bytes, 0x04 first): keccak's last 20 bytes. */
export function addressOfPublicKey(uncompressed: Uint8Array): string {
  return checksumAddress(`0x${bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12))}`)
}
