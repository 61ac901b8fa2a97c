import { readFileSync } from 'node:fs'
import { VERSION } from '@agenttrail/server'
import { describe, expect, it } from 'vitest'
import { runCli } from '../helpers/process.js'

describe('agenttrail --version', () => {
  it('prints the server’s version, which the CLI reads from its own package.json without loading the server', () => {
    const cli = JSON.parse(
      readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8'),
    ) as { version: string }
    expect(cli.version).toBe(VERSION)
    const res = runCli(['--version'])
    expect(res).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' })
  })
})
