import type { GeminiPart, GeminiResponse } from './gemini-response.js'

/**
 * Rebuilds one response from the chunks of `generateContentStream` (`streamGenerateContent?alt=sse`):
 * each chunk holds the next parts of the first candidate; text parts of the same kind (answer or
 * thought) are joined, other parts (function calls) kept in order. `usageMetadata` is cumulative,
 * so the last one counts; the finish reason and the candidate's other fields (safety ratings,
 * citations, grounding) come with the last chunks. It copies what it reads, never changing a chunk.
 */
export class GeminiStreamResponse {
  private readonly parts: GeminiPart[] = []
  private readonly candidate: Record<string, unknown> = {}
  private readonly response: GeminiResponse = {}
  private chunks = 0

  add(chunk: GeminiResponse): void {
    if (chunk === null || typeof chunk !== 'object') return
    this.chunks++
    const first = chunk.candidates?.[0]
    if (first && typeof first === 'object') {
      const { content, ...rest } = first
      Object.assign(this.candidate, rest)
      for (const part of Array.isArray(content?.parts) ? content.parts : []) this.addPart(part)
    }
    const r = this.response
    if (chunk.usageMetadata) r.usageMetadata = chunk.usageMetadata
    if (chunk.promptFeedback) r.promptFeedback = chunk.promptFeedback
    r.modelVersion ??= chunk.modelVersion
    r.responseId ??= chunk.responseId
    r.createTime ??= chunk.createTime
    r.sdkHttpResponse ??= chunk.sdkHttpResponse
  }

  /** The response as far as the stream got; undefined before the first chunk. */
  result(): GeminiResponse | undefined {
    if (this.chunks === 0) return undefined
    const candidates = this.parts.length > 0 || Object.keys(this.candidate).length > 0
    return {
      ...this.response,
      candidates: candidates
        ? [{ content: { role: 'model', parts: [...this.parts] }, ...this.candidate }]
        : undefined,
    }
  }

  private addPart(part: GeminiPart): void {
    if (part === null || typeof part !== 'object') return
    const last = this.parts.at(-1)
    if (
      typeof part.text === 'string' &&
      last &&
      isText(last) &&
      isText(part) &&
      Boolean(last.thought) === Boolean(part.thought)
    ) {
      this.parts[this.parts.length - 1] = { ...last, ...part, text: last.text + part.text }
      return
    }
    this.parts.push({ ...part })
  }
}

/** A part that is only text (possibly a thought, possibly signed), nothing to keep apart. */
function isText(part: GeminiPart): part is GeminiPart & { text: string } {
  return (
    typeof part.text === 'string' &&
    part.functionCall === undefined &&
    part.inlineData === undefined &&
    part.executableCode === undefined
  )
}
