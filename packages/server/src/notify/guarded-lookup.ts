import type { LookupAddress, LookupOptions } from 'node:dns'
import { isIP } from 'node:net'
import { blockedReason } from './outbound-address.js'
import type { OutboundAllow } from './outbound-address.js'

/** A `dns.lookup`-compatible function: `(hostname, options, callback)`. */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions,
  callback: (
    error: NodeJS.ErrnoException | null,
    address: string | LookupAddress[],
    family?: number,
  ) => void,
) => void

/** The error a guarded lookup fails with when every address of the answer is refused. */
class RefusedAddress extends Error {
  override name = 'RefusedAddress'
}

/**
 * A lookup for `http.request` that resolves with `lookup` once and drops the refused addresses of
 * the answer (all of them unless `trusted`, an allow-listed name), failing with `RefusedAddress`
 * when none remain. Node connects to an address this returns, so the address checked is the
 * address connected to: no second resolution can rebind the name in between.
 */
function guardedLookup(
  lookup: LookupFunction,
  allow: OutboundAllow,
  trusted: boolean,
): LookupFunction {
  return (hostname, options, callback) => {
    // Ask for every address, so that one refused address does not hide an admitted one.
    lookup(hostname, { ...options, all: true }, (error, answer) => {
      if (error) return callback(error, '')
      const all = Array.isArray(answer) ? answer : [{ address: answer, family: isIP(answer) }]
      const reasons = trusted ? [] : all.map((a) => blockedReason(a.address, allow))
      const kept = all.filter((_, i) => reasons[i] === undefined)
      const first = kept[0]
      if (first === undefined) {
        const reason = reasons.find(Boolean) ?? 'no address'
        return callback(
          new RefusedAddress(`${hostname} resolves only to refused addresses (${reason})`),
          '',
        )
      }
      // Node asks for all addresses when it may try several (`autoSelectFamily`), else for one.
      if (options.all) callback(null, kept)
      else callback(null, first.address, first.family)
    })
  }
}

export { guardedLookup, RefusedAddress }
