import { api } from '../../api/client'

/** One day in Wiro's `LogsList`: its UTC date, the file's size, and whether it is gzipped yet. */
export interface WiroDay {
  date: string
  sizeBytes: number
  compressed: boolean
}

interface WiroAnswer {
  result: boolean
  errors: { code: number; message: string }[]
}

/** Wiro answers its errors with 200 and `result: false`; this turns them into thrown errors. */
async function wiro<T>(path: string, body: Record<string, unknown>): Promise<T & WiroAnswer> {
  const answer = await api<T & WiroAnswer>(`/v1/UserAgent/${path}`, { method: 'POST', body })
  if (!answer.result)
    throw new Error(answer.errors.map((e) => e.message).join('; ') || `${path} failed`)
  return answer
}

/**
 * The agent's days of activity, newest first (`POST /v1/UserAgent/LogsList`, Wiro's surface). The
 * session cookie authenticates it like the native API; the browser sends the Origin a
 * cookie-authenticated POST needs.
 */
export async function listDays(guid: string): Promise<WiroDay[]> {
  return (await wiro<{ dates: WiroDay[] }>('LogsList', { useragentguid: guid })).dates
}

/**
 * One day's activity file as Wiro keeps it: JSON Lines, one ActivityEvent a line, newest first
 * (`POST /v1/UserAgent/LogsFile`; at most 50,000 events, `truncated` beyond).
 */
export async function dayFile(
  guid: string,
  date: string,
): Promise<{ text: string; events: number; truncated: boolean }> {
  const file = await wiro<{ events: unknown[]; truncated: boolean }>('LogsFile', {
    useragentguid: guid,
    date,
  })
  const text = file.events.map((e) => JSON.stringify(e)).join('\n')
  return { text: text ? `${text}\n` : '', events: file.events.length, truncated: file.truncated }
}

/** Hands `text` to the browser as a file download (a blob URL, so no second request is made). */
export function saveText(text: string, filename: string, type = 'application/x-ndjson'): void {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  // The download has started from the click; the URL is not needed after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
