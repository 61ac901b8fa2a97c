// Typed here, structurally, so the SDK's public types need neither the DOM library nor @types/node.

/** The part of a fetch Response the SDK reads. */
export interface FetchResponseLike {
  status: number
  ok: boolean
  headers: { get(name: string): string | null }
  text(): Promise<string>
  body?: {
    getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> }
  } | null
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal?: any },
) => Promise<FetchResponseLike>
