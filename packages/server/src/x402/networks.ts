/**
 * EVM networks as x402 names them. Version 2 uses CAIP-2 ids (`eip155:8453`); version 1 uses the
 * legacy names of `@x402/evm`'s `EVM_NETWORK_CHAIN_ID_MAP`, and its official client refuses
 * anything else (`Unsupported v1 network`), so a v1 offer carries the legacy name where one exists.
 */
const LEGACY_NAMES: Readonly<Record<string, number>> = {
  ethereum: 1,
  sepolia: 11155111,
  abstract: 2741,
  'abstract-testnet': 11124,
  'base-sepolia': 84532,
  base: 8453,
  'avalanche-fuji': 43113,
  avalanche: 43114,
  iotex: 4689,
  sei: 1329,
  'sei-testnet': 1328,
  polygon: 137,
  'polygon-amoy': 80002,
  peaq: 3338,
  story: 1514,
  educhain: 41923,
  'skale-base-sepolia': 324705682,
  megaeth: 4326,
  monad: 143,
  stable: 988,
  'stable-testnet': 2201,
  celo: 42220,
  flare: 14,
}

const NAME_OF_CHAIN = new Map(Object.entries(LEGACY_NAMES).map(([name, id]) => [id, name]))

/** The chain id of `eip155:<id>` or of a legacy v1 name; undefined for anything else. */
export function chainIdOf(network: string): number | undefined {
  const caip = /^eip155:([1-9][0-9]{0,15})$/.exec(network)
  if (caip) {
    const id = Number(caip[1])
    return Number.isSafeInteger(id) ? id : undefined
  }
  return Object.hasOwn(LEGACY_NAMES, network) ? LEGACY_NAMES[network] : undefined
}

/** The CAIP-2 id of a chain (x402 version 2). */
export function caipNetwork(chainId: number): string {
  return `eip155:${chainId}`
}

/** The v1 name of a chain: its legacy name, or its CAIP-2 id when it has none. */
export function v1Network(chainId: number): string {
  return NAME_OF_CHAIN.get(chainId) ?? caipNetwork(chainId)
}

/** A token as its EIP-712 domain names it, for the `exact` scheme's EIP-3009 signatures. */
export interface KnownAsset {
  address: string
  name: string
  version: string
}

/**
 * USDC where x402 defaults to it (`@x402/evm` `DEFAULT_ASSETS`). The EIP-712 names differ between
 * mainnet and testnet; a wrong one changes the digest, and every signature then fails.
 */
const USDC: Readonly<Record<number, KnownAsset>> = {
  8453: { address: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', name: 'USD Coin', version: '2' },
  84532: { address: '0x036CbD53842c5426634e7929541eC2318f3dCF7e', name: 'USDC', version: '2' },
}

/** USDC on Base mainnet and Base Sepolia; undefined on other chains (the operator names the asset). */
export function defaultAsset(chainId: number): KnownAsset | undefined {
  return USDC[chainId]
}
