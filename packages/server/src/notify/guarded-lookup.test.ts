import type { LookupAddress } from 'node:dns'
import { describe, expect, it } from 'vitest'
import { guardedLookup, RefusedAddress, type LookupFunction } from './guarded-lookup.js'
import { parseOutboundAllow } from './outbound-address.js'

const answer: LookupAddress[] = [
  { address: '10.0.0.5', family: 4 },
  { address: '::1', family: 6 },
  { address: '93.184.216.34', family: 4 },
  { address: '2606:4700::1111', family: 6 },
]
const calls: Array<{ all?: boolean }> = []
const dns: LookupFunction = (_host, options, callback) => {
  calls.push({ all: options.all })
  callback(null, answer)
}
const none = parseOutboundAllow(undefined)

function resolveWith(lookup: LookupFunction, all: boolean) {
  return new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
    lookup('name.example', { all }, (error, address, family) =>
      resolve({ error, address, family }),
    ),
  )
}

describe('guardedLookup', () => {
  it('always asks for every address, and answers a caller wanting all with the admitted ones', async () => {
    calls.length = 0
    const { error, address } = await resolveWith(guardedLookup(dns, none, false), true)
    expect(error).toBeNull()
    expect(address).toEqual([answer[2], answer[3]])
    expect(calls).toEqual([{ all: true }])
  })

  it('answers a caller wanting one address with the first admitted one', async () => {
    const result = await resolveWith(guardedLookup(dns, none, false), false)
    expect(result).toEqual({ error: null, address: '93.184.216.34', family: 4 })
  })

  it('keeps every address of a trusted name', async () => {
    const { address } = await resolveWith(guardedLookup(dns, none, true), true)
    expect(address).toEqual(answer)
  })

  it('fails with RefusedAddress, naming the first reason, when nothing is admitted', async () => {
    const privateOnly: LookupFunction = (_h, _o, cb) => cb(null, [answer[0]!, answer[1]!])
    const { error } = await resolveWith(guardedLookup(privateOnly, none, false), false)
    expect(error).toBeInstanceOf(RefusedAddress)
    expect(error?.message).toBe(
      'name.example resolves only to refused addresses (10.0.0.5 is a private address)',
    )
  })

  it('passes a resolver error through unchanged', async () => {
    const failure = Object.assign(new Error('queryA ETIMEOUT'), { code: 'ETIMEOUT' })
    const failing: LookupFunction = (_h, _o, cb) => cb(failure, '')
    expect((await resolveWith(guardedLookup(failing, none, false), true)).error).toBe(failure)
  })
})
