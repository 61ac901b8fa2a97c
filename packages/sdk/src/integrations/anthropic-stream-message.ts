import type { AnthropicBlock, AnthropicMessage } from './anthropic-message.js'

type StreamEvent = { type?: string; [field: string]: any }
type Block = AnthropicBlock & { partial_json?: string; [field: string]: unknown }

/**
 * Rebuilds the Message from the events of a streamed `messages.create`
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming): `message_start` carries the
 * message with its input and cache usage, content blocks arrive as start/delta/stop, and
 * `message_delta` carries the stop reason and the cumulative usage (`output_tokens` always; the
 * input and cache counts when they apply, overwriting, never adding). It copies what it reads and
 * never changes the events, which the application (or the library's MessageStream) reads after it.
 */
export class AnthropicStreamMessage {
  private message: (AnthropicMessage & { content: Block[]; [field: string]: unknown }) | undefined
  /** A `message_stop` arrived: the message is whole. */
  stopped = false

  add(event: StreamEvent): void {
    if (event === null || typeof event !== 'object') return
    if (event.type === 'message_start' && event.message) {
      this.message = {
        ...event.message,
        content: [...(event.message.content ?? [])],
        usage: { ...event.message.usage },
      }
      return
    }
    const message = this.message
    if (!message) return
    switch (event.type) {
      case 'content_block_start':
        message.content[event.index] = { ...event.content_block }
        break
      case 'content_block_delta':
        this.applyDelta(message.content[event.index], event.delta)
        break
      case 'content_block_stop':
        finishToolInput(message.content[event.index])
        break
      case 'message_delta':
        for (const field of ['stop_reason', 'stop_sequence', 'stop_details', 'container'])
          if (event.delta?.[field] !== undefined) message[field] = event.delta[field]
        if (event.usage)
          for (const [name, value] of Object.entries(event.usage))
            if (value != null) message.usage![name as 'output_tokens'] = value as number
        break
      case 'message_stop':
        this.stopped = true
        break
    }
  }

  /** The message as far as the stream got; undefined before `message_start`. */
  result(): AnthropicMessage | undefined {
    if (!this.message) return undefined
    for (const block of this.message.content) finishToolInput(block)
    return { ...this.message, content: this.message.content.filter((b) => b !== undefined) }
  }

  private applyDelta(block: Block | undefined, delta: StreamEvent | undefined): void {
    if (!block || !delta) return
    switch (delta.type) {
      case 'text_delta':
        block.text = (block.text ?? '') + delta.text
        break
      case 'thinking_delta':
        block.thinking = (block.thinking ?? '') + delta.thinking
        break
      case 'signature_delta':
        block.signature = delta.signature
        break
      case 'citations_delta':
        block.citations = [...((block.citations as unknown[]) ?? []), delta.citation]
        break
      case 'input_json_delta':
        block.partial_json = (block.partial_json ?? '') + delta.partial_json
        break
    }
  }
}

/** A tool block's input arrives as JSON fragments; an empty input is `{}`, as the library makes it. */
function finishToolInput(block: Block | undefined): void {
  if (!block || block.partial_json === undefined) return
  const json = block.partial_json
  delete block.partial_json
  try {
    block.input = json === '' ? {} : (JSON.parse(json) as unknown)
  } catch {
    block.input = json
  }
}
