import { StoreError } from '../app-error.js'

/** Wraps a store operation so a driver error leaves as a StoreError naming the operation, never its values. */
export function guard<A extends unknown[], R>(
  operation: string,
  fn: (...args: A) => R,
): (...args: A) => Promise<Awaited<R>> {
  return async (...args: A): Promise<Awaited<R>> => {
    try {
      return await fn(...args)
    } catch (error) {
      if (error instanceof Error && error.name === 'AppError') throw error
      throw new StoreError(operation, error)
    }
  }
}

/** `guard` over every method of an object, named `prefix.method`. */
export function guardAll<T extends object>(prefix: string, methods: T): T {
  return Object.fromEntries(
    Object.entries(methods).map(([name, fn]) => [
      name,
      guard(`${prefix}.${name}`, fn as (...args: unknown[]) => unknown),
    ]),
  ) as T
}
