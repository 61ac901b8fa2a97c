/**
 * Which provider and model a LangChain model run used, from what LangChain passes to the callbacks:
 * the `ls_provider` / `ls_model_name` run metadata (LangSmith's parameters, set by every provider
 * package), the invocation parameters, and the model's class name.
 */

type Obj = Record<string, unknown>
const isObject = (v: unknown): v is Obj => v !== null && typeof v === 'object'
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined

/** LangChain's provider names, as AgentTrail's price table and token rules know them. */
export function normalizeProvider(name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  const n = name.toLowerCase()
  if (n === 'openai') return 'openai'
  if (n === 'anthropic') return 'anthropic'
  if (n.startsWith('google') || n === 'vertexai' || n === 'genai') return 'google'
  return name
}

/** The provider a model name belongs to, when LangChain did not say. */
export function providerFromModel(model: string | undefined): string | undefined {
  if (model === undefined) return undefined
  const m = model.toLowerCase()
  if (m.includes('claude')) return 'anthropic'
  if (m.includes('gemini')) return 'google'
  if (/^(gpt|chatgpt|o\d|text-davinci|davinci|babbage)/.test(m)) return 'openai'
  return undefined
}

/** The provider a model class belongs to (`ChatAnthropic`, `AzureChatOpenAI`, `ChatGoogleGenerativeAI`, `ChatVertexAI`). */
function providerFromClass(serialized: unknown): string | undefined {
  const id = isObject(serialized) && Array.isArray(serialized.id) ? serialized.id : []
  const name = String(id[id.length - 1] ?? '')
  if (/Anthropic/.test(name)) return 'anthropic'
  if (/OpenAI/.test(name)) return 'openai'
  if (/Google|Gemini|VertexAI/.test(name)) return 'google'
  return undefined
}

/** Provider and model known when the run starts. */
export function modelAtStart(
  serialized: unknown,
  extraParams: unknown,
  metadata: unknown,
): { provider?: string; model?: string } {
  const meta = isObject(metadata) ? metadata : {}
  const params =
    isObject(extraParams) && isObject(extraParams.invocation_params)
      ? extraParams.invocation_params
      : {}
  const kwargs = isObject(serialized) && isObject(serialized.kwargs) ? serialized.kwargs : {}
  const model =
    str(meta.ls_model_name) ??
    str(params.model) ??
    str(params.model_name) ??
    str(params.modelName) ??
    str(kwargs.model) ??
    str(kwargs.model_name) ??
    str(kwargs.modelName)
  const provider = normalizeProvider(str(meta.ls_provider)) ?? providerFromClass(serialized)
  return { provider, model }
}
