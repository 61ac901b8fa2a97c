import { describe, expect, it } from 'vitest'
import { EXPORT_HELP } from '../../packages/cli/src/export-help.js'

describe('agenttrail export --help', () => {
  it('says to resume with only --output and --resume, since a resume refuses filters', () => {
    const flat = EXPORT_HELP.replace(/\s+/g, ' ')
    expect(flat).not.toContain('same command')
    expect(flat).toContain('run it again with only --output FILE --resume')
    expect(flat).toContain('a snapshot of the events committed by then, not a fixed set')
  })
})
