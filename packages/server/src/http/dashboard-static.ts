import type { Context } from 'hono'
import { loadDashboardFiles } from './dashboard-files.js'
import type { DashboardFile, DashboardFiles } from './dashboard-files.js'

/**
 * The dashboard's Content-Security-Policy: its own scripts, styles and API only, no inline script
 * or style, no plugins, no framing. A payload that smuggles markup into a page cannot run.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

/** What every HTML page of the dashboard carries. */
const HTML_HEADERS = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
}

/** Paths that belong to the APIs: an unknown one is the JSON 404, never the app. */
const API_PREFIXES = ['/api/', '/v1/', '/sdk/']

/** Vite's content-hashed output: a name never changes content, so it can be cached for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable'

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AgentTrail: the dashboard is not built</title></head>
<body><h1>The dashboard is not built</h1>
<p>This server serves the web dashboard from <code>AGENTTRAIL_DASHBOARD_DIR</code> (by default
<code>packages/dashboard/dist</code>), and that folder holds no <code>index.html</code>.</p>
<p>Build it from the repository root with <code>npm run build</code>, then restart the server.
The API works without it: its description is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body></html>
`

/** Serves the built dashboard; `serve` answers undefined for requests it does not take. */
export interface Dashboard {
  serve(c: Context): Response | undefined
}

/**
 * The built dashboard at `/`, for the app's last route (so every API route keeps precedence). A
 * GET or HEAD of a file answers it; of another path outside the APIs, `index.html`, since the app
 * routes on the client. The folder is read on first use and kept; when it holds no build, each
 * request looks again, so a build made while the server runs is picked up.
 */
export function createDashboard(dir: string): Dashboard {
  let files: DashboardFiles | undefined
  return {
    serve(c) {
      if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return undefined
      const path = decodedPath(new URL(c.req.url).pathname)
      if (path === undefined || path === '/api' || API_PREFIXES.some((p) => path.startsWith(p)))
        return undefined
      files ??= loadDashboardFiles(dir)
      if (!files) return htmlResponse(404, NOT_BUILT)
      const file = files.get(path === '/' ? '/index.html' : path)
      if (file) return fileResponse(c, file, path.startsWith('/assets/') ? IMMUTABLE : 'no-cache')
      // A missing hashed asset is a stale page asking for an old build: a 404, not HTML as script.
      if (path.startsWith('/assets/')) return undefined
      const index = files.get('/index.html')
      return index && fileResponse(c, index, 'no-cache')
    },
  }
}

/**
 * The request path with every escape decoded, or undefined when it could step out of the folder or
 * is malformed: `..` or `.` segments (also written `%2e%2e` or `..%2f`), back slashes, NUL.
 * Clients normalise `/a/../b` themselves; anything still holding such a segment is refused. Only
 * files of the in-memory map are ever answered, so this is a second wall, not the only one.
 */
function decodedPath(raw: string): string | undefined {
  let path: string
  try {
    path = decodeURIComponent(raw)
  } catch {
    return undefined
  }
  if (/[\\\0]/.test(path)) return undefined
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) return undefined
  return path
}

function fileResponse(c: Context, file: DashboardFile, cacheControl: string): Response {
  const gzip = file.gzip !== undefined && acceptsGzip(c.req.header('accept-encoding'))
  const etag = gzip ? file.gzipEtag : file.etag
  const headers: Record<string, string> = {
    'Cache-Control': cacheControl,
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
    ...(file.gzip !== undefined && { Vary: 'Accept-Encoding' }),
    ...(file.type.startsWith('text/html') && HTML_HEADERS),
  }
  if (matches(c.req.header('if-none-match'), etag))
    return new Response(null, { status: 304, headers })
  const body = gzip ? (file.gzip as Buffer) : file.body
  return new Response(new Uint8Array(body), {
    status: 200,
    headers: {
      ...headers,
      'Content-Type': file.type,
      'Content-Length': String(body.length),
      ...(gzip && { 'Content-Encoding': 'gzip' }),
    },
  })
}

function htmlResponse(status: number, html: string): Response {
  return new Response(html, {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...HTML_HEADERS,
    },
  })
}

/** Whether `Accept-Encoding` takes gzip: listed (or `*`) without `q=0` (RFC 9110 §12.5.3). */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false
  const weights = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const q = params.find((p) => p.startsWith('q='))
    weights.set(name, q === undefined ? 1 : Number(q.slice(2)))
  }
  // A named coding's weight wins over the `*` wildcard's.
  const q = weights.get('gzip') ?? weights.get('x-gzip') ?? weights.get('*')
  return q !== undefined && q > 0
}

/** Whether `If-None-Match` names this ETag (weak comparison, as RFC 9110 §13.1.2 asks for GET). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false
  if (header.trim() === '*') return true
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
}
