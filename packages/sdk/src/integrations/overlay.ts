/**
 * A view of `target` with some properties replaced, leaving `target` itself untouched: wrapping a
 * client must not change it for the code that holds the original.
 *
 * `bindMethods`: other methods are bound to `target`. Needed for objects with private class fields
 * (`#field`), such as the Anthropic client, whose methods throw when `this` is the proxy. Without
 * it, methods run with the proxy as `this`, so a method that calls a replaced one goes through the
 * replacement (`messages.stream()` and `messages.parse()` call `this.create()`).
 */
export function overlay<T extends object>(
  target: T,
  replaced: Record<string, unknown>,
  bindMethods: boolean,
): T {
  const bound = new WeakMap<(...args: any[]) => unknown, (...args: any[]) => unknown>()
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'string' && Object.hasOwn(replaced, prop)) return replaced[prop]
      if (!bindMethods) return Reflect.get(t, prop, receiver)
      const value: unknown = Reflect.get(t, prop, t)
      if (typeof value !== 'function' || prop === 'constructor') return value
      const fn = value as (...args: any[]) => unknown
      let method = bound.get(fn)
      if (!method) bound.set(fn, (method = fn.bind(t)))
      return method
    },
  })
}
