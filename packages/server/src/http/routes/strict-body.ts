import { z } from 'zod'

/**
 * A request body that refuses fields it does not know, naming them and the fields it takes, so a
 * misspelt field (`max_action`) is a 400 rather than a setting silently ignored.
 */
export function strictBody<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape).join(', ')
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}; the fields are ${known}`
        : undefined,
  })
}
