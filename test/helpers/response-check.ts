interface Declared {
  method: string
  path: string
  responses: Record<
    number,
    {
      schema?: {
        safeParse(value: unknown): {
          success: boolean
          error?: { issues: Array<{ path: PropertyKey[]; message: string }> }
        }
      }
      contentTypes?: readonly string[]
    }
  >
}

/**
 * Checks each response against what its route declares (the app's `routes`, from which
 * `/api/openapi.json` is built): its status must be declared, its content type one declared for
 * that status, and a JSON body must match the declared schema. A response that does not throws,
 * so the test that made the request fails, naming the route, the status and the field.
 */
export function createResponseCheck(routes: readonly Declared[]) {
  // Literal segments before parameters, so `/events/batch` is not taken for `/events/{id}`.
  const table = routes
    .map((route) => ({
      route,
      pattern: new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+')}$`),
      params: (route.path.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params)

  return async (method: string, url: string, res: Response): Promise<Response> => {
    const path = new URL(url, 'http://localhost').pathname
    const found = table.find(
      (r) => r.route.method.toUpperCase() === method.toUpperCase() && r.pattern.test(path),
    )
    // No route: the app's own 404 and 405, which no route declares.
    if (!found) return res
    const where = `${method.toUpperCase()} ${found.route.path} answered ${res.status}`
    const declared = found.route.responses[res.status]
    if (!declared) throw new Error(`${where}, a status its route does not declare`)
    const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
    // A live stream never ends, and a copy read to its end would take it from the client's pace.
    if (type === 'text/event-stream' && declared.contentTypes?.includes(type)) return res
    const text = await res.clone().text()
    if (!declared.schema) {
      if (text !== '') throw new Error(`${where} with a body, and the route declares none`)
      return res
    }
    const types = declared.contentTypes ?? ['application/json']
    if (!types.includes(type))
      throw new Error(`${where} as ${type || 'no content type'}; declared: ${types.join(', ')}`)
    if (type !== 'application/json') return res
    const result = declared.schema.safeParse(JSON.parse(text))
    if (!result.success) {
      const problems = (result.error?.issues ?? [])
        .map((issue) => `${issue.path.map(String).join('.') || 'body'}: ${issue.message}`)
        .join('; ')
      throw new Error(`${where} with a body that does not match its declared schema: ${problems}`)
    }
    return res
  }
}
