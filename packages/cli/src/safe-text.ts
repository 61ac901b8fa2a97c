// C0 controls, DEL and C1 controls: what a terminal may act on rather than show. ESC starts the
// sequences that retitle a window or clear the screen; C1's CSI (U+009B) does the same on
// terminals that take 8-bit controls.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g
// DEL and C1 that JSON.stringify leaves raw (it escapes only C0).
const JSON_RAW = /[\u007f-\u009f]/g

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/**
 * Text from the trail made safe to print on a terminal: every control character (C0, DEL, C1) is
 * shown as its escape, `\u001b` for ESC, so an event cannot retitle the window or clear the screen
 * of whoever reads it (any ingest key can send one). `keepNewlines` keeps `\n` for multi-line
 * views. Colours the CLI adds go around the result, never through it.
 */
export function safeText(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, escape)
}

/**
 * `JSON.stringify` with DEL and the C1 controls escaped too (JSON escapes only C0): the same value
 * to a JSON parser, and nothing a terminal acts on.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(JSON_RAW, escape)
}
