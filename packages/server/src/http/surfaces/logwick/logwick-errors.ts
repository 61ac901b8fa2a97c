import { LOGWICK_RENAMES } from '@agenttrail/protocol'
import { AppError } from '../../../app-error.js'
import { renderNativeError } from '../../error-handler.js'
import type { ErrorRenderer } from '../../surface.js'

const BACK = Object.fromEntries(
  Object.entries(LOGWICK_RENAMES).map(([logwick, native]) => [native, logwick]),
)
const rename = (text: string) => text.replace(/^(\w+)/, (word) => BACK[word] ?? word)

/** The native error body, with field names as the Logwick client sent them (`tokens`, not `tokens_total`). */
export const renderLogwickError: ErrorRenderer = (error, c) => {
  if (!error.details) return renderNativeError(error, c)
  const details = error.details.map((d) => ({ ...d, path: rename(d.path) }))
  return renderNativeError(
    new AppError(error.code, rename(error.message), details, error.status),
    c,
  )
}
