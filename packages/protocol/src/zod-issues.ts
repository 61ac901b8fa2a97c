import type { z } from 'zod'
import type { FieldIssue } from './error-codes.js'

/** Zod's issues as `{ path, message }` pairs, the path dotted and prefixed. Values never appear. */
export function zodIssues(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const parts = [...(prefix ? [prefix] : []), ...issue.path.map(String)]
    const path = parts.join('.')
    const message =
      issue.code === 'invalid_type' && issue.path.length === 0 && !prefix
        ? `the body must be a JSON ${issue.expected}`
        : issue.message
    return { path, message }
  })
}
