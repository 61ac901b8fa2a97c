import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** How the double answers `/settle`. */
export type SettleMode =
  /** 200 `{ success: true, transaction }`, a fresh transaction hash each time. */
  | 'success'
  /** As `success`, with 4 KB of `extensions` after the transaction (v2 answers may carry them). */
  | 'verbose'
  /** 200 `{ success: false, errorReason: 'insufficient_funds' }`. */
  | 'insufficient_funds'
  /** 200 `{ success: false, errorReason: 'invalid_exact_evm_nonce_already_used' }`. */
  | 'nonce_used'
  /** 500 with a text body. */
  | 'error'
  /** Never answers (until the double closes). */
  | 'hang'
  /** 200 `{ success: true }` with an empty transaction. */
  | 'no_transaction'
  /** 200 `{ success: true, transaction }` naming another payer than the payment's. */
  | 'other_payer'
  /** 200 `{ success: true, transaction }` naming another network (Base Sepolia). */
  | 'other_network'
  /** 200 `{ success: true, transaction, amount }` naming another amount than the price. */
  | 'other_amount'

/** A `/settle` or `/verify` body as received, parsed. */
export interface FacilitatorCall {
  path: string
  /** The query string, without `?`; empty when there is none. */
  query: string
  body: {
    x402Version: number
    paymentPayload: any
    paymentRequirements: any
  }
}

export interface FacilitatorDouble {
  /** `http://127.0.0.1:<port>/x402`, the facilitator URL to configure. */
  url: string
  /** Every call, in order. */
  calls: FacilitatorCall[]
  /** Calls of `/settle` only. */
  settles(): FacilitatorCall[]
  /** The transactions answered as settled, in order. */
  transactions: string[]
  mode: SettleMode
  /** Resolves when `n` calls of `/settle` have arrived (for the hang mode, which answers none). */
  settleCalls(n: number): Promise<void>
  close(): Promise<void>
}

/**
 * A stand-in for an x402 facilitator on 127.0.0.1, port 0 (x402-specification-v1.md §7): it
 * records every `/verify` and `/settle` body and answers `/settle` as `mode` says; `/verify` is
 * always valid. No chain: the transaction hashes are random.
 */
export async function startFacilitatorDouble(): Promise<FacilitatorDouble> {
  const calls: FacilitatorCall[] = []
  const transactions: string[] = []
  const waiters: Array<{ n: number; resolve: () => void }> = []
  const settles = () => calls.filter((c) => c.path.endsWith('/settle'))
  const double: FacilitatorDouble = {
    url: '',
    calls,
    settles,
    transactions,
    mode: 'success',
    settleCalls: (n) =>
      settles().length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    close: async () => {},
  }
  const server = createServer((req, res) => {
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', () => {
      const [path = '', query = ''] = (req.url ?? '').split('?')
      const body = JSON.parse(text) as FacilitatorCall['body']
      calls.push({ path, query, body })
      for (const w of waiters.splice(0)) {
        if (settles().length >= w.n) w.resolve()
        else waiters.push(w)
      }
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(value))
      }
      const payer = body.paymentPayload?.payload?.authorization?.from
      const network = body.paymentRequirements?.network
      if (path.endsWith('/verify')) return json(200, { isValid: true, payer })
      if (!path.endsWith('/settle')) return json(404, { error: 'not found' })
      const refuse = (errorReason: string) =>
        json(200, { success: false, errorReason, transaction: '', network, payer })
      switch (double.mode) {
        case 'success':
        case 'verbose': {
          const transaction = `0x${randomBytes(32).toString('hex')}`
          transactions.push(transaction)
          const extensions = double.mode === 'verbose' ? { note: 'x'.repeat(4_096) } : undefined
          return json(200, { success: true, transaction, network, payer, extensions })
        }
        case 'insufficient_funds':
          return refuse('insufficient_funds')
        case 'nonce_used':
          return refuse('invalid_exact_evm_nonce_already_used')
        case 'error':
          res.writeHead(500, { 'content-type': 'text/plain' })
          return res.end('facilitator fell over')
        case 'hang':
          return undefined
        case 'no_transaction':
          return json(200, { success: true, transaction: '', network, payer })
        case 'other_payer':
        case 'other_network':
        case 'other_amount': {
          const transaction = `0x${randomBytes(32).toString('hex')}`
          return json(200, {
            success: true,
            transaction,
            network: double.mode === 'other_network' ? 'eip155:84532' : network,
            payer: double.mode === 'other_payer' ? `0x${'22'.repeat(20)}` : payer,
            ...(double.mode === 'other_amount' && { amount: '1' }),
          })
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  double.url = `http://127.0.0.1:${port}/x402`
  double.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return double
}
