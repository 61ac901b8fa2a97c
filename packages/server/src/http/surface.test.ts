import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { AppError } from '../app-error.js'
import { createLogger } from '../log.js'
import type { AppEnv } from './app-env.js'
import { createErrorHandler } from './error-handler.js'
import { Router } from './router.js'
import type { SurfaceDeps } from './surface.js'
import { defineSurface, mountSurfaces, surfaceRenderers } from './surface.js'

const deps = {} as SurfaceDeps
const open = () => async () => undefined

/** A surface whose one route throws a validation error. */
const teapot = (declares: 'agentledger' | undefined) =>
  defineSurface({
    name: 'agentledger',
    renderError: (error, c) => c.json({ teapot: error.code }, 418),
    routes(router) {
      router.add(
        {
          method: 'get',
          path: '/teapot',
          tag: 'test',
          summary: 'A route of the test surface',
          ...(declares && { surface: declares }),
          responses: {},
        },
        () => {
          throw new AppError('validation_failed', 'no tea')
        },
      )
    },
  })

describe('surface modules', () => {
  it("mounts a module's routes and answers their errors with its renderer", async () => {
    const hono = new Hono<AppEnv>()
    const modules = [teapot('agentledger')]
    hono.onError(createErrorHandler(createLogger('silent'), surfaceRenderers(modules)))
    const router = new Router(hono, open)
    mountSurfaces(router, modules, deps)
    expect(router.specs.map((s) => s.path)).toEqual(['/teapot'])
    const res = await hono.request('/teapot')
    expect(res.status).toBe(418)
    expect(await res.json()).toEqual({ teapot: 'validation_failed' })
  })

  it('refuses to mount a route that declares another surface or none', () => {
    const router = new Router(new Hono<AppEnv>(), open)
    expect(() => mountSurfaces(router, [teapot(undefined)], deps)).toThrow(
      'GET /teapot is mounted by surface agentledger but declares native',
    )
  })

  it('leaves a surface without a renderer to the native body', () => {
    const plain = defineSurface({ name: 'wiro', routes: () => undefined })
    expect(Object.keys(surfaceRenderers([plain, teapot('agentledger')]))).toEqual(['agentledger'])
  })
})
