// The ceiling: a bare node:http server that reads and parses the same JSON body and replies with a
// receipt of the same shape, storing nothing. Run as a child process by run.js.
import { createServer } from 'node:http'
import { randomUUID } from 'node:crypto'

let seq = 0
const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    let status = 201
    let body
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'))
      body = JSON.stringify({ id: randomUUID(), seq: ++seq, received_at: new Date().toISOString() })
    } catch {
      status = 400
      body = '{"error":"bad json"}'
    }
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
  })
})
server.keepAliveTimeout = 65_000
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`),
)
process.on('SIGTERM', () => server.close(() => process.exit(0)))
