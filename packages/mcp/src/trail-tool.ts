import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js'
import type { AgentTrail, TrailReader } from 'agenttrail'
import { z } from 'zod'
import { MAX_MAX_CHARS } from './compact.js'
import { toolError } from './tool-error.js'

/** The scopes of an AgentTrail key (docs/api.md "Authentication and scopes"). */
export type TrailScope = 'ingest' | 'read' | 'control' | 'approve' | 'admin'

/** What a tool's handler works with: the read side, and the client for writes and controls. */
export interface ToolContext {
  reader: TrailReader
  /** Made on first use: only the tools that change something need it. */
  trail(): AgentTrail
  /** Verifier keys pinned out of band for verify_event and verify_log; default the published keys. */
  logKeys?: readonly string[]
}

/** A tool's answer: the structured result (checked against `outputSchema`) and its text form. */
export interface ToolAnswer<O> {
  structured: O
  text: string
}

/** One tool: its MCP definition, the scope it needs and whether it changes anything. */
export interface TrailTool<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = any> {
  name: string
  title: string
  description: string
  /** The key must have this scope (or `admin`) for the tool to be offered. */
  scope: TrailScope
  /** True when it writes to the trail or changes an agent; such tools are left out in read-only mode. */
  writes: boolean
  inputSchema: I
  outputSchema: O
  annotations: ToolAnnotations
  run(args: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolAnswer<z.infer<z.ZodObject<O>>>>
}

/** Types a tool's handler from its schemas; the annotations say it never reaches outside the trail. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  tool: TrailTool<I, O>,
): TrailTool {
  return {
    ...tool,
    annotations: { openWorldHint: false, ...tool.annotations },
  } as unknown as TrailTool
}

/**
 * Runs a tool: its result as `structuredContent` plus the text form in `content`; a failure of
 * the server (404, 403, 400, unreachable) as a tool error the model can read and act on, never
 * as a protocol error.
 */
export async function callTool(
  tool: TrailTool,
  args: Record<string, unknown>,
  ctx: ToolContext,
): Promise<CallToolResult> {
  try {
    const answer = await tool.run(args as never, ctx)
    return {
      content: [{ type: 'text', text: answer.text }],
      structuredContent: answer.structured as Record<string, unknown>,
    }
  } catch (error) {
    return toolError(error)
  }
}

/** Annotations of a tool that only reads. */
export const READS: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
}

/** Bounds shared by several tools' inputs. */
export const name = (what: string) => z.string().min(1).max(256).describe(what)
export const id = (what: string) => z.string().min(1).max(256).describe(what)
export const instant = (what: string) =>
  z
    .string()
    .min(1)
    .max(64)
    .describe(`${what} ISO 8601: a date (2026-12-01) or a date-time with a zone.`)

/** `max_chars`: the longest value shown before it is cut with a marker. */
export const maxCharsArg = (fallback: number) =>
  z
    .number()
    .int()
    .min(50)
    .max(MAX_MAX_CHARS)
    .default(fallback)
    .describe(`Longest value shown before it is cut with a marker. Default ${fallback}.`)
