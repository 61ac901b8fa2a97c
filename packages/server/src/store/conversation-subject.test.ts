import { describe, expect, it } from 'vitest'
import { SUBJECT_MAX_CHARS, conversationSubject } from './conversation-subject.js'

const none = { metadataSubject: null, firstUserContent: null, firstTitle: null }

describe('conversation subject', () => {
  it('prefers metadata.subject, then the first user message, then the first title', () => {
    const all = {
      metadataSubject: '"Set by client"',
      firstUserContent: '"What is due?"',
      firstTitle: 'LLM call',
    }
    expect(conversationSubject(all)).toBe('Set by client')
    expect(conversationSubject({ ...all, metadataSubject: null })).toBe('What is due?')
    expect(
      conversationSubject({
        ...all,
        metadataSubject: '"   "',
        firstUserContent: '[{"type":"image"}]',
      }),
    ).toBe('LLM call')
    expect(conversationSubject(none)).toBeNull()
  })

  it('makes one line of content blocks and cuts long text at a word', () => {
    expect(
      conversationSubject({
        ...none,
        firstUserContent: '[{"type":"text","text":"Hello\\n\\tworld"},"again"]',
      }),
    ).toBe('Hello world again')
    const long = conversationSubject({ ...none, firstTitle: 'word '.repeat(100) })!
    expect(long.length).toBeLessThanOrEqual(SUBJECT_MAX_CHARS)
    expect(long).toMatch(/word…$/)
    const emoji = conversationSubject({ ...none, firstTitle: '😀'.repeat(200) })!
    expect(emoji.endsWith('😀…')).toBe(true)
  })
})
