import { BlockList, isIP, isIPv4 } from 'node:net'

/**
 * Which addresses the publish stage may reach. By default no address that leads inside: loopback,
 * private, link-local (cloud metadata), shared, reserved, documentation and multicast ranges, in
 * IPv4 and IPv6, the IPv6 forms that carry an IPv4 address checked as that IPv4 address. The
 * operator opens exceptions with `AGENTTRAIL_OUTBOUND_ALLOW` (`parseOutboundAllow`).
 */
export interface OutboundAllow {
  /** Host names (lower case, no trailing dot) whose addresses are not checked at all. */
  hosts: ReadonlySet<string>
  /** Networks and single addresses admitted although a blocked range covers them. */
  networks: BlockList
}

/** Each refused range, by the words a refusal uses (`10.0.0.7 is a private address`). */
const RANGES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['a loopback address', ['127.0.0.0/8', '::1/128']],
  ['an unspecified address', ['0.0.0.0/8', '::/128']],
  ['a private address', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7']],
  // 169.254.169.254 is the cloud metadata service.
  ['a link-local address', ['169.254.0.0/16', 'fe80::/10', 'fec0::/10']],
  ['a shared (CGNAT) address', ['100.64.0.0/10']],
  ['a reserved address', ['192.0.0.0/24', '192.88.99.0/24', '240.0.0.0/4', '100::/64']],
  ['a benchmarking address', ['198.18.0.0/15', '2001:2::/48']],
  [
    'a documentation address',
    ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'],
  ],
  ['a multicast address', ['224.0.0.0/4', 'ff00::/8']],
  // Teredo hides its IPv4 address; local-use NAT64 (RFC 8215) leads to a private translator.
  ['a tunnel address', ['2001::/32', '64:ff9b:1::/48']],
]

const BLOCKED: ReadonlyArray<readonly [string, BlockList]> = RANGES.map(([words, cidrs]) => {
  const list = new BlockList()
  for (const cidr of cidrs) {
    const [network = '', prefix] = cidr.split('/')
    list.addSubnet(network, Number(prefix), isIPv4(network) ? 'ipv4' : 'ipv6')
  }
  return [words, list] as const
})

/**
 * Why the publish stage must not connect to `address`, or undefined when it may. An IPv6 address
 * carrying an IPv4 one (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`, translated, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`) is judged by that IPv4 address, the one it leads to.
 */
function blockedReason(address: string, allow: OutboundAllow): string | undefined {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 0) return `${address} is not an IP address`
  const v4 = family === 6 ? embeddedIPv4(bare) : bare
  const [checked, type] = v4 !== undefined ? [v4, 'ipv4' as const] : [bare, 'ipv6' as const]
  if (allow.networks.check(checked, type)) return undefined
  for (const [words, list] of BLOCKED)
    if (list.check(checked, type))
      return checked === bare ? `${bare} is ${words}` : `${bare} (${checked}) is ${words}`
  return undefined
}

/** The IPv4 address an IPv6 address stands for, if it stands for one. */
function embeddedIPv4(v6: string): string | undefined {
  const words = ipv6Words(v6)
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0)
  const tail = () => `${words[6]! >> 8}.${words[6]! & 255}.${words[7]! >> 8}.${words[7]! & 255}`
  if (zero(0, 5) && words[5] === 0xffff) return tail() // ::ffff:a.b.c.d, mapped
  if (zero(0, 4) && words[4] === 0xffff && words[5] === 0) return tail() // ::ffff:0:a.b.c.d, translated
  // ::a.b.c.d, compatible (deprecated); `::` and `::1` are IPv6's own and judged as such.
  if (zero(0, 6) && (words[6] !== 0 || words[7]! > 1)) return tail()
  if (words[0] === 0x64 && words[1] === 0xff9b && zero(2, 6)) return tail() // NAT64, RFC 6052
  if (words[0] === 0x2002) {
    const [high = 0, low = 0] = [words[1], words[2]] // 6to4: 2002:AABB:CCDD::/48
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`
  }
  return undefined
}

/** The eight 16-bit words of a valid IPv6 address (`::` expanded, a dotted tail read). */
function ipv6Words(v6: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(v6)
  let text = v6
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${v6.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', rest] = text.split('::')
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((w) => parseInt(w, 16)))
  const left = parse(head)
  const right = rest === undefined ? [] : parse(rest)
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right]
}

/**
 * Parses `AGENTTRAIL_OUTBOUND_ALLOW`: a comma-separated list of CIDRs (`10.1.0.0/16`,
 * `fd00::/8`), single IP addresses and host names (`hooks.internal`). Empty or unset allows
 * nothing. Throws an Error naming the first entry that is none of these.
 */
function parseOutboundAllow(raw: string | undefined): OutboundAllow {
  const hosts = new Set<string>()
  const networks = new BlockList()
  for (const entry of (raw ?? '').split(',').map((e) => e.trim())) {
    if (entry === '') continue
    const [address = '', prefix, extra] = entry.replace(/^\[(.*)\]/, '$1').split('/')
    const family = isIP(address)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (family !== 0 && prefix === undefined) networks.addAddress(address, type)
    else if (family !== 0 && extra === undefined && /^\d{1,3}$/.test(prefix ?? '')) {
      if (Number(prefix) > (family === 4 ? 32 : 128)) throw badEntry(entry)
      networks.addSubnet(address, Number(prefix), type)
    } else if (HOST_NAME.test(entry)) hosts.add(normalHost(entry))
    else throw badEntry(entry)
  }
  return { hosts, networks }
}

const HOST_NAME =
  /^(?=.{1,254}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i

/** A host name as the allow list holds it: lower case, no trailing dot. */
function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '')
}

const MAX_URL_LENGTH = 2000

/**
 * Why `url` cannot be a destination, or undefined when it can: unparsable, not http or https,
 * carrying credentials, longer than 2,000 characters, or (given `allow`) an IP literal in a
 * refused range. The API checks URLs with it when they are created or changed; `post` checks
 * again, and checks the addresses a name resolves to when it connects.
 */
function checkOutboundUrl(url: string, allow?: OutboundAllow): string | undefined {
  if (url.length > MAX_URL_LENGTH) return `the URL is longer than ${MAX_URL_LENGTH} characters`
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'the URL cannot be parsed'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return `the scheme ${parsed.protocol.slice(0, 20)} is not allowed: use http or https`
  if (parsed.username !== '' || parsed.password !== '')
    return 'the URL carries credentials: put them in a header or the path instead'
  if (parsed.hostname === '') return 'the URL has no host'
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1')
  if (allow && isIP(host) !== 0 && !allow.hosts.has(normalHost(host)))
    return blockedReason(host, allow)
  return undefined
}

function badEntry(entry: string): Error {
  return new Error(
    `AGENTTRAIL_OUTBOUND_ALLOW: "${entry.slice(0, 100)}" is not a CIDR, an IP address or a host name`,
  )
}

export { blockedReason, checkOutboundUrl, normalHost, parseOutboundAllow }
