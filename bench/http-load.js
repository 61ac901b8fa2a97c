// Load for the control plane benchmark: a keep-alive node:http client, sequential latency samples
// interleaved between variants, and closed loops of N concurrent requests for throughput, also
// interleaved. Every
// answer goes through the caller's `verify`, so a run that was refused or failed stops the bench
// instead of measuring refusals.
import { Agent, request } from 'node:http'

/** A keep-alive client of one server for one API key, with up to `sockets` connections. */
export function createClient(url, key, sockets) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets })
  const { hostname, port } = new URL(url)
  const send = (method, path, body) =>
    new Promise((resolve, reject) => {
      const headers = { authorization: `Bearer ${key}` }
      if (body)
        Object.assign(headers, {
          'content-type': 'application/json',
          'content-length': body.length,
        })
      const req = request({ agent, hostname, port, path, method, headers }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () =>
          resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }),
        )
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body)
    })
  return {
    post: (path, body) => send('POST', path, body),
    get: (path) => send('GET', path),
    close: () => agent.destroy(),
  }
}

export const quantile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]

/**
 * Sequential calls, one at a time: `warmUp` calls of each variant, then `calls` of each in `blocks`
 * interleaved blocks, so that drift (a growing database, a busy disk) hits every variant alike.
 * `variants` maps a name to `(i) => Promise`. Returns `{ name: { p50, p99, n } }` in ms.
 */
export async function sequential(variants, { calls, blocks = 10, warmUp = 200 }) {
  const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]))
  let i = 0
  for (const call of Object.values(variants)) for (let w = 0; w < warmUp; w++) await call(i++)
  const perBlock = Math.ceil(calls / blocks)
  for (let b = 0; b < blocks; b++) {
    for (const [name, call] of Object.entries(variants)) {
      for (let k = 0; k < perBlock; k++) {
        const t0 = performance.now()
        await call(i++)
        samples[name].push(performance.now() - t0)
      }
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, xs]) => {
      const sorted = xs.sort((a, b) => a - b)
      return [name, { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), n: sorted.length }]
    }),
  )
}

/** `concurrency` callers, each sending its next request when the last is answered, for `seconds`. */
async function closedLoop(call, concurrency, seconds, latencies) {
  const start = performance.now()
  const end = start + seconds * 1000
  let next = 0
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now()
      await call(next++)
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (performance.now() - start) / 1000
}

/**
 * Throughput of each variant under `concurrency` callers, `seconds` each in all, taken in `blocks`
 * slices that alternate between the variants so that drift hits every variant alike. Returns
 * `{ name: { rps, p50, p99, n } }`: requests per second over the time until the last answer of each
 * slice, latencies in ms.
 */
export async function saturate(variants, { concurrency, seconds, blocks = 5 }) {
  const runs = Object.fromEntries(
    Object.keys(variants).map((name) => [name, { elapsed: 0, latencies: [] }]),
  )
  for (let b = 0; b < blocks; b++)
    for (const [name, call] of Object.entries(variants))
      runs[name].elapsed += await closedLoop(
        call,
        concurrency,
        seconds / blocks,
        runs[name].latencies,
      )
  return Object.fromEntries(
    Object.entries(runs).map(([name, { elapsed, latencies }]) => {
      const sorted = latencies.sort((x, y) => x - y)
      return [
        name,
        {
          rps: sorted.length / elapsed,
          p50: quantile(sorted, 0.5),
          p99: quantile(sorted, 0.99),
          n: sorted.length,
        },
      ]
    }),
  )
}
