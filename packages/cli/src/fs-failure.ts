import { EXIT, exitWith } from './exit-codes.js'

// What a person can do something about, by the error's code.
const REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory (does its folder exist?)',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory; give a file name',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full; free space and run it again with --resume',
  EDQUOT: 'the disk quota is exceeded; free space and run it again with --resume',
}

/**
 * A file-system error as a plain message and exit 1 (the file, why, and the error's code), or
 * undefined when `error` is not one, for the caller to rethrow.
 */
export function fsFailure(error: unknown, path: string): number | undefined {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !Object.hasOwn(REASONS, code)) return undefined
  const at = (error as { path?: unknown }).path
  return exitWith(
    EXIT.failure,
    `cannot use ${typeof at === 'string' ? at : path}: ${REASONS[code]} (${code})`,
  )
}
