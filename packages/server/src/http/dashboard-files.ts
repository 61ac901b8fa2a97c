import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { extname, join } from 'node:path'
import { gzipSync } from 'node:zlib'

/** One file of the built dashboard, held in memory with its gzip form. */
export interface DashboardFile {
  body: Buffer
  /** Absent when gzip would not make it smaller (images, fonts, tiny files). */
  gzip: Buffer | undefined
  /** The Content-Type header. */
  type: string
  /** A strong ETag of the bytes; the gzip form's ends in `-gz` (RFC 9110 §8.8.3). */
  etag: string
  gzipEtag: string
}

/** Files by URL path (`/index.html`, `/assets/index-3f9a.js`). */
export type DashboardFiles = ReadonlyMap<string, DashboardFile>

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
}

/** Types worth compressing: text. Images and fonts are compressed already. */
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg\+xml)/

/**
 * Reads the built dashboard into memory, gzipping each text file once, here, rather than per
 * request (a Vite build is a few hundred KB). Undefined when `dir` holds no `index.html` (not
 * built). Only regular files are taken: a symbolic link is never followed out of `dir`, and a
 * request can only ever name a file in this map, so no path can reach the rest of the disk.
 */
export function loadDashboardFiles(dir: string): DashboardFiles | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined
  const files = new Map<string, DashboardFile>()
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      // Dotfiles (.DS_Store, .vite/ manifests) are not part of the site.
      if (entry.name.startsWith('.')) continue
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`)
      else if (entry.isFile())
        files.set(`${prefix}${entry.name}`, fileOf(readFileSync(path), entry.name))
    }
  }
  walk(dir, '/')
  return files
}

function fileOf(body: Buffer, name: string): DashboardFile {
  const type = TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream'
  const packed = COMPRESSIBLE.test(type) ? gzipSync(body, { level: 9 }) : undefined
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27)
  return {
    body,
    gzip: packed && packed.length < body.length ? packed : undefined,
    type,
    etag: `"${hash}"`,
    gzipEtag: `"${hash}-gz"`,
  }
}
