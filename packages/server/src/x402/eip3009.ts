import { secp256k1 } from '@noble/curves/secp256k1.js'
import { keccak_256 } from '@noble/hashes/sha3.js'
import { concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js'
import { addressOfPublicKey } from './evm-address.js'

/** An EIP-3009 `TransferWithAuthorization`, numbers read (https://eips.ethereum.org/EIPS/eip-3009). */
export interface TransferAuthorization {
  from: string
  to: string
  value: bigint
  /** Unix seconds. */
  validAfter: bigint
  /** Unix seconds. */
  validBefore: bigint
  /** 32 bytes, `0x` hex. */
  nonce: string
}

/** The token's EIP-712 domain: its name and version, the chain and the token contract. */
export interface TokenDomain {
  name: string
  version: string
  chainId: number
  verifyingContract: string
}

const DOMAIN_TYPE = keccak_256(
  utf8ToBytes('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)'),
)
const TRANSFER_TYPE = keccak_256(
  utf8ToBytes(
    'TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)',
  ),
)

/** A uint256 as its 32 big-endian bytes (callers keep values below 2^256). */
function word(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, '0'))
}

/** An address left-padded to 32 bytes, as ABI encoding lays it out. */
function addressWord(address: string): Uint8Array {
  return hexToBytes(address.slice(2).toLowerCase().padStart(64, '0'))
}

/**
 * The EIP-712 digest a wallet signs for this authorization under this domain
 * (https://eips.ethereum.org/EIPS/eip-712): keccak256(0x1901 ‖ domainSeparator ‖ structHash).
 */
export function authorizationDigest(auth: TransferAuthorization, domain: TokenDomain): Uint8Array {
  const separator = keccak_256(
    concatBytes(
      DOMAIN_TYPE,
      keccak_256(utf8ToBytes(domain.name)),
      keccak_256(utf8ToBytes(domain.version)),
      word(BigInt(domain.chainId)),
      addressWord(domain.verifyingContract),
    ),
  )
  const struct = keccak_256(
    concatBytes(
      TRANSFER_TYPE,
      addressWord(auth.from),
      addressWord(auth.to),
      word(auth.value),
      word(auth.validAfter),
      word(auth.validBefore),
      hexToBytes(auth.nonce.slice(2)),
    ),
  )
  return keccak_256(concatBytes(new Uint8Array([0x19, 0x01]), separator, struct))
}

/** Half the curve order: an `s` above it is the malleable twin of a valid signature (EIP-2). */
const HALF_N = secp256k1.Point.CURVE().n / 2n

/**
 * The address that signed `digest`, from a 65-byte `r ‖ s ‖ v` signature (`0x` hex). Refuses what
 * an EOA wallet never produces and the token contract would not accept: another length, `v`
 * outside {27, 28} (or {0, 1}), `r` or `s` out of range, and a high `s`. ERC-1271 and ERC-6492
 * smart-wallet signatures need the chain and are refused here.
 */
export function recoverSigner(
  digest: Uint8Array,
  signature: string,
): { ok: true; address: string } | { ok: false; problem: string } {
  if (!/^0x[0-9a-fA-F]*$/.test(signature))
    return { ok: false, problem: 'the signature is not 0x-prefixed hex' }
  if (signature.length !== 132)
    return {
      ok: false,
      problem: `the signature must be 65 bytes (r, s, v) from an externally owned account, not ${Math.floor((signature.length - 2) / 2)}; smart-wallet signatures are not accepted`,
    }
  const bytes = hexToBytes(signature.slice(2))
  const v = bytes[64] as number
  const recovery = v >= 27 ? v - 27 : v
  if (recovery !== 0 && recovery !== 1)
    return { ok: false, problem: 'the signature recovery byte v must be 27 or 28' }
  const s = BigInt(`0x${signature.slice(66, 130)}`)
  if (s > HALF_N)
    return { ok: false, problem: 'the signature has a high s value, which EIP-2 forbids' }
  try {
    const sig = secp256k1.Signature.fromBytes(bytes.subarray(0, 64), 'compact')
    const point = sig.addRecoveryBit(recovery).recoverPublicKey(digest)
    return { ok: true, address: addressOfPublicKey(point.toBytes(false)) }
  } catch {
    return { ok: false, problem: 'no public key can be recovered from the signature' }
  }
}
