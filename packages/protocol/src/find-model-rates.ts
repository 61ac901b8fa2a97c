import { PRICE_TABLE } from './price-table.js'
import type { ModelRates, PricedProvider } from './price-table.js'

/** How clients spell the three providers in `provider` (compared lower-case). Anything else is not priced. */
const PROVIDER_NAMES: Readonly<Record<string, PricedProvider>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'google',
  gemini: 'google',
  'google-genai': 'google',
  google_genai: 'google',
  'google-ai': 'google',
}

/** Routers' `<provider>/<model>` prefixes; Gemini's own `models/` prefix names no provider. */
const MODEL_PREFIXES: ReadonlyArray<readonly [string, PricedProvider | undefined]> = [
  ['openai/', 'openai'],
  ['anthropic/', 'anthropic'],
  ['google/', 'google'],
  ['models/', undefined],
]

/**
 * Snapshot suffixes, tried one at a time after the exact name, so a snapshot with a price of its own
 * (`gpt-4o-2024-05-13`) keeps it: OpenAI dates (`-2024-08-06`), Anthropic dates (`-20250929`, Vertex's
 * `@20250929`), `-latest`, Claude Code's `[1m]`, Gemini versions (`-001`) and undated `-preview`.
 */
const SNAPSHOT_SUFFIXES: readonly RegExp[] = [
  /-\d{4}-\d{2}-\d{2}$/,
  /[-@]\d{8}$/,
  /-latest$/,
  /\[1m\]$/,
  /-\d{3}$/,
  /-preview$/,
]

export interface ModelMatch {
  provider: PricedProvider
  /** The table's name for the model. */
  model: string
  rates: ModelRates
}

/**
 * Finds a model's prices. The provider comes from `provider` when given (it must be one of the
 * three, and the model must be in its table), else from a `<provider>/` prefix, else from the
 * table the name is found in. Unknown names, and names that only look like a known one
 * (`gpt-4o-realtime-preview`), find nothing: no price is better than a wrong one.
 */
export function findModelRates(model: string, provider?: string | null): ModelMatch | undefined {
  let named: PricedProvider | undefined
  if (provider != null) {
    named = PROVIDER_NAMES[provider.trim().toLowerCase()]
    if (named === undefined) return undefined
  }
  let name = model.trim().toLowerCase()
  for (const [prefix, prefixProvider] of MODEL_PREFIXES) {
    if (!name.startsWith(prefix)) continue
    name = name.slice(prefix.length)
    if (prefixProvider !== undefined && named !== undefined && prefixProvider !== named)
      return undefined
    named ??= prefixProvider
    break
  }
  // Claude names are dashed (`claude-sonnet-4-5`); routers often write versions dotted (`claude-sonnet-4.5`).
  if (name.startsWith('claude-')) name = name.replace(/(\d)\.(\d)/g, '$1-$2')

  const providers: readonly PricedProvider[] = named ? [named] : ['openai', 'anthropic', 'google']
  for (const candidate of candidates(name)) {
    for (const p of providers) {
      const rates = PRICE_TABLE[p][candidate]
      if (rates !== undefined && Object.hasOwn(PRICE_TABLE[p], candidate))
        return { provider: p, model: candidate, rates }
    }
  }
  return undefined
}

function* candidates(name: string): Generator<string> {
  yield name
  for (const suffix of SNAPSHOT_SUFFIXES) {
    const stripped = name.replace(suffix, '')
    if (stripped !== name) yield stripped
  }
}
