import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { createSecretBox, loadSecretKey } from './secret-box.js'

const run = promisify(execFile)
const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agenttrail-secret-box-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('createSecretBox', () => {
  const box = createSecretBox(randomBytes(32))

  it('opens what it sealed, for empty, long and non-ASCII text', () => {
    for (const plain of [
      '',
      'whsec_abc',
      'https://hooks.slack.com/services/T/B/x?a=1',
      'é✓🙂',
      'x'.repeat(10_000),
    ])
      expect(box.open(box.seal(plain))).toBe(plain)
  })

  it('seals in the v1.<iv>.<data> format with a fresh IV each time, the text not visible', () => {
    const a = box.seal('routing-key-123')
    const b = box.seal('routing-key-123')
    expect(a).toMatch(/^v1\.[A-Za-z0-9+/]{16}\.[A-Za-z0-9+/=]+$/)
    expect(a).not.toBe(b)
    expect(Buffer.from(a.split('.')[2] ?? '', 'base64').toString('latin1')).not.toContain('routing')
  })

  it('refuses to open with another key, naming AGENTTRAIL_SECRET_KEY but no secret', () => {
    const key = randomBytes(32)
    const sealed = createSecretBox(key).seal('the-secret-value')
    const other = createSecretBox(randomBytes(32))
    expect(() => other.open(sealed)).toThrow(/AGENTTRAIL_SECRET_KEY/)
    try {
      other.open(sealed)
    } catch (error) {
      const message = (error as Error).message
      expect(message).not.toContain('the-secret-value')
      expect(message).not.toContain(key.toString('base64'))
    }
  })

  it('refuses altered ciphertext, an altered IV and a truncated tag', () => {
    const sealed = box.seal('hello world')
    const [v, iv = '', data = ''] = sealed.split('.')
    const bytes = Buffer.from(data, 'base64')
    bytes[0] = (bytes[0] ?? 0) ^ 1
    expect(() => box.open(`${v}.${iv}.${bytes.toString('base64')}`)).toThrow(/cannot be opened/)
    const ivBytes = Buffer.from(iv, 'base64')
    ivBytes[0] = (ivBytes[0] ?? 0) ^ 1
    expect(() => box.open(`${v}.${ivBytes.toString('base64')}.${data}`)).toThrow(/cannot be opened/)
    const short = Buffer.from(data, 'base64').subarray(0, -1).toString('base64')
    expect(() => box.open(`${v}.${iv}.${short}`)).toThrow(/cannot be opened/)
  })

  it('refuses values not in the sealed format', () => {
    for (const bad of ['', 'plain', 'v2.a.b', `v1.${'A'.repeat(16)}`, `${box.seal('x')}.extra`])
      expect(() => box.open(bad)).toThrow(/sealed format/)
  })

  it('refuses a key that is not 32 bytes', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/)
  })
})

describe('loadSecretKey', () => {
  it('uses the configured base64 key and ignores the data directory', () => {
    const key = randomBytes(32)
    const dataDir = tempDir()
    expect(loadSecretKey({ configured: key.toString('base64'), dataDir }).equals(key)).toBe(true)
    expect(existsSync(join(dataDir, 'secret.key'))).toBe(false)
  })

  it('names AGENTTRAIL_SECRET_KEY, not the value, when the configured key is bad', () => {
    const dataDir = tempDir()
    for (const bad of [
      'too-short',
      randomBytes(16).toString('base64'),
      'not base64 at all!!!!!!!!!!!!!!!!!!!!!!!!!!',
    ])
      expect(() => loadSecretKey({ configured: bad, dataDir })).toThrow(
        /^AGENTTRAIL_SECRET_KEY must be the base64 of 32 random bytes/,
      )
    try {
      loadSecretKey({ configured: 'secret-looking-value', dataDir })
    } catch (error) {
      expect((error as Error).message).not.toContain('secret-looking-value')
    }
  })

  it('creates <dataDir>/secret.key once with mode 0600, leaves no temporary file, then reuses it', () => {
    const dataDir = join(tempDir(), 'nested')
    const first = loadSecretKey({ dataDir })
    const path = join(dataDir, 'secret.key')
    expect(first).toHaveLength(32)
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600)
    const second = loadSecretKey({ dataDir, configured: '' })
    expect(second.equals(first)).toBe(true)
    expect(readdirSync(dataDir)).toEqual(['secret.key'])
    const box = createSecretBox(first)
    expect(createSecretBox(second).open(box.seal('kept across restarts'))).toBe(
      'kept across restarts',
    )
  })

  it('reads an existing key file without writing to the data directory', () => {
    const dataDir = tempDir()
    const key = randomBytes(32)
    writeFileSync(join(dataDir, 'secret.key'), key, { mode: 0o600 })
    // A file created or removed in the directory would move its modification time (and a
    // read-only mode would not stop root), so the time is set back and must stay there.
    const past = new Date('2020-01-01T00:00:00Z')
    utimesSync(dataDir, past, past)
    expect(loadSecretKey({ dataDir }).equals(key)).toBe(true)
    expect(statSync(dataDir).mtime).toEqual(past)
  })

  it('refuses a key file of the wrong size', () => {
    const dataDir = tempDir()
    writeFileSync(join(dataDir, 'secret.key'), 'short')
    expect(() => loadSecretKey({ dataDir })).toThrow(/must hold exactly 32 bytes; it holds 5/)
  })

  it('agrees on one key when several processes start at once on an empty data directory', async () => {
    // The built module (`npm run build`), so that plain node processes can race on the file.
    const built = resolve(import.meta.dirname, '../../dist/notify/secret-box.js')
    const dataDir = tempDir()
    const script =
      `const { loadSecretKey } = await import(${JSON.stringify(pathToFileURL(built).href)});` +
      `process.stdout.write(loadSecretKey({ dataDir: ${JSON.stringify(dataDir)} }).toString('hex'))`
    const outputs = await Promise.all(
      Array.from({ length: 6 }, () => run(process.execPath, ['--input-type=module', '-e', script])),
    )
    const keys = new Set(outputs.map((o) => o.stdout))
    expect(keys.size).toBe(1)
    expect(loadSecretKey({ dataDir }).toString('hex')).toBe([...keys][0])
    expect(readdirSync(dataDir)).toEqual(['secret.key'])
  })
})
