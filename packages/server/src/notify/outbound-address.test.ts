import { describe, expect, it } from 'vitest'
import { blockedReason, parseOutboundAllow } from './outbound-address.js'
import { checkOutboundUrl, parseRetryAfter } from './outbound.js'

const none = parseOutboundAllow(undefined)

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['0.0.0.0', 'an unspecified address'],
    ['10.1.2.3', 'a private address'],
    ['172.20.0.1', 'a private address'],
    ['192.168.0.1', 'a private address'],
    ['169.254.169.254', 'a link-local address'],
    ['100.64.0.1', 'a shared (CGNAT) address'],
    ['192.0.0.170', 'a reserved address'],
    ['240.0.0.1', 'a reserved address'],
    ['255.255.255.255', 'a reserved address'],
    ['198.18.5.5', 'a benchmarking address'],
    ['192.0.2.1', 'a documentation address'],
    ['198.51.100.1', 'a documentation address'],
    ['203.0.113.1', 'a documentation address'],
    ['224.0.0.251', 'a multicast address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['FE80::abcd', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['fc00::1', 'a private address'],
    ['fdff:ffff::1', 'a private address'],
    ['2001:db8::1', 'a documentation address'],
    ['ff02::1', 'a multicast address'],
    ['2001:0:4136:e378::1', 'a tunnel address'],
    ['64:ff9b:1::a', 'a tunnel address'],
  ])('refuses %s as %s', (address, words) => {
    expect(blockedReason(address, none)).toMatch(
      new RegExp(`is ${words.replace(/[()]/g, '\\$&')}$`),
    )
  })

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', '127.0.0.1', 'loopback'],
    ['::FFFF:7F00:0001', '127.0.0.1', 'loopback'],
    ['0:0:0:0:0:ffff:a00:1', '10.0.0.1', 'private'],
    ['::127.0.0.1', '127.0.0.1', 'loopback'],
    ['::ffff:0:169.254.169.254', '169.254.169.254', 'link-local'],
    ['64:ff9b::7f00:1', '127.0.0.1', 'loopback'],
    ['64:ff9b::192.168.1.1', '192.168.1.1', 'private'],
    ['2002:a9fe:a9fe::1', '169.254.169.254', 'link-local'],
    ['[::ffff:10.0.0.1]', '10.0.0.1', 'private'],
  ])('judges %s as the IPv4 address %s it carries', (address, v4, words) => {
    expect(blockedReason(address, none)).toMatch(
      new RegExp(`\\(${v4.replace(/\./g, '\\.')}\\) is an? ${words} address$`),
    )
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '11.0.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('admits the public address %s', (address) => {
    expect(blockedReason(address, none)).toBeUndefined()
  })

  it('says so when given something that is not an address', () => {
    expect(blockedReason('example.com', none)).toBe('example.com is not an IP address')
  })

  it('admits addresses inside allowed networks, also when written as mapped IPv6', () => {
    const allow = parseOutboundAllow('10.1.0.0/16, 127.0.0.1, fd00::/8')
    expect(blockedReason('10.1.200.3', allow)).toBeUndefined()
    expect(blockedReason('::ffff:10.1.200.3', allow)).toBeUndefined()
    expect(blockedReason('127.0.0.1', allow)).toBeUndefined()
    expect(blockedReason('fd00::5', allow)).toBeUndefined()
    expect(blockedReason('10.2.0.1', allow)).toBe('10.2.0.1 is a private address')
    expect(blockedReason('127.0.0.2', allow)).toBe('127.0.0.2 is a loopback address')
    expect(blockedReason('fc00::5', allow)).toBe('fc00::5 is a private address')
  })
})

describe('parseOutboundAllow', () => {
  it('reads CIDRs, addresses and host names, skipping blanks, host names lower-cased', () => {
    const allow = parseOutboundAllow(' 192.168.0.0/24 ,, [::1], Hooks.Internal., my_host.lan ,')
    expect([...allow.hosts]).toEqual(['hooks.internal', 'my_host.lan'])
    expect(allow.networks.check('192.168.0.9', 'ipv4')).toBe(true)
    expect(allow.networks.check('192.168.1.9', 'ipv4')).toBe(false)
    expect(allow.networks.check('::1', 'ipv6')).toBe(true)
  })

  it('allows nothing when unset or empty', () => {
    for (const raw of [undefined, '', ' , ']) {
      const allow = parseOutboundAllow(raw)
      expect(allow.hosts.size).toBe(0)
      expect(allow.networks.rules).toEqual([])
    }
  })

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/8/1',
    '10.0.0.0/x',
    'http://hooks.internal',
    'a b',
    '-bad.example',
    'host:8080',
    '*.example.com',
  ])('refuses the entry %s, naming it', (entry) => {
    expect(() => parseOutboundAllow(`localhost, ${entry}`)).toThrow(
      `AGENTTRAIL_OUTBOUND_ALLOW: "${entry}" is not a CIDR, an IP address or a host name`,
    )
  })
})

describe('checkOutboundUrl', () => {
  it('accepts http and https URLs with any host', () => {
    for (const url of [
      'https://hooks.slack.com/services/T/B/x',
      'http://example.com:8080/a?b=c',
      'http://10.0.0.1/',
    ])
      expect(checkOutboundUrl(url)).toBeUndefined()
  })

  it('says why a URL cannot be a destination', () => {
    expect(checkOutboundUrl('ws://example.com')).toBe(
      'the scheme ws: is not allowed: use http or https',
    )
    expect(checkOutboundUrl('https://:pw@example.com')).toMatch(/credentials/)
    expect(checkOutboundUrl('https://user@example.com')).toMatch(/credentials/)
    expect(checkOutboundUrl('http://')).toBe('the URL cannot be parsed')
    expect(checkOutboundUrl('example.com/hook')).toBe('the URL cannot be parsed')
    expect(checkOutboundUrl(`https://e.com/${'a'.repeat(1986)}`)).toBeUndefined()
    expect(checkOutboundUrl(`https://e.com/${'a'.repeat(1987)}`)).toMatch(/longer than 2000/)
  })

  it('refuses refused IP literals too when given the allow list', () => {
    const allow = parseOutboundAllow('10.9.0.0/16')
    expect(checkOutboundUrl('http://10.0.0.1/', allow)).toBe('10.0.0.1 is a private address')
    expect(checkOutboundUrl('http://[::ffff:127.0.0.1]/', allow)).toMatch(/loopback/)
    expect(checkOutboundUrl('http://10.9.0.1/', allow)).toBeUndefined()
    expect(checkOutboundUrl('http://internal.example/', allow)).toBeUndefined()
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  it('reads delay seconds and HTTP dates, a past date as 0', () => {
    expect(parseRetryAfter('0', now)).toBe(0)
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90_000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0)
  })
  it('ignores absent and unreadable values', () => {
    for (const value of [undefined, '', '-5', '1.5', 'soon'])
      expect(parseRetryAfter(value, now)).toBeUndefined()
  })
})
