/** An error answered by the API: its status, machine-readable code and message. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** Field-level details when the API gives them (validation errors). */
  readonly details: unknown
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /** Messages per field path (`rule_type`, `config.max`) from a validation error's details. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    if (Array.isArray(this.details))
      for (const d of this.details as { path?: unknown; message?: unknown }[])
        if (typeof d.path === 'string' && typeof d.message === 'string') out[d.path] ??= d.message
    return out
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>

/** `path?query` with empty values left out. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  const s = params.toString()
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path
}

/**
 * Calls the API with the session cookie (never a key: the key was exchanged at sign-in and is not
 * kept). JSON in and out; a non-2xx answer throws {@link ApiError}. A 401 tells the app the session
 * ended, through {@link onUnauthorized}.
 */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; query?: Query; signal?: AbortSignal } = {},
): Promise<T> {
  const res = await fetch(withQuery(path, init.query), {
    method: init.method ?? 'GET',
    credentials: 'same-origin',
    headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: init.signal,
  })
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!res.ok) throw errorOf(res, body, path)
  return body as T
}

/** Like {@link api} for a `GET` that answers text (a signed note): the text, or the API's error. */
export async function apiText(path: string, init: { signal?: AbortSignal } = {}): Promise<string> {
  const res = await fetch(path, { credentials: 'same-origin', signal: init.signal })
  const text = await res.text()
  if (res.ok) return text
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  throw errorOf(res, body, path)
}

/** The {@link ApiError} of a non-2xx answer; a 401 also tells the app the session ended. */
function errorOf(res: Response, body: unknown, path: string): ApiError {
  const b = (body ?? {}) as {
    error?: unknown
    code?: unknown
    message?: unknown
    details?: unknown
  }
  const message =
    typeof b.error === 'string'
      ? b.error
      : typeof b.message === 'string'
        ? b.message
        : `${res.status} ${res.statusText}`
  const error = new ApiError(
    res.status,
    typeof b.code === 'string' ? b.code : 'error',
    message,
    b.details,
  )
  if (res.status === 401 && !path.startsWith('/api/v1/session'))
    unauthorizedListeners.forEach((f) => f())
  return error
}

const unauthorizedListeners = new Set<() => void>()

/** Called when any request answers 401: the session expired or its key was revoked. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener)
  return () => unauthorizedListeners.delete(listener)
}
