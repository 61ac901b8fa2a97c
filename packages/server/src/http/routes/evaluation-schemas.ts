import { z } from 'zod'
import { LIMITS } from '@agenttrail/protocol'
import type { EvaluationRecord } from '../../store/evaluation-store.js'
import { timeParam } from '../route-spec.js'
import { strictBody } from './strict-body.js'

/** Longest `label`, `feedback` and `evaluated_by`, in characters. */
export const EVALUATION_TEXT_LIMITS = { label: 100, feedback: 2_000, evaluatedBy: 200 } as const

const eventId = () =>
  z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(LIMITS.shortString, `must be at most ${LIMITS.shortString} characters`)
const text = (max: number) =>
  z
    .string({ error: 'must be a string or null' })
    .max(max, `must be at most ${max} characters`)
    .nullable()
    .optional()

export const NewEvaluationSchema = strictBody({
  action_id: eventId()
    .optional()
    .describe('The id of the event scored (AgentLedger’s name). Send this or `event_id`.'),
  event_id: eventId().optional().describe('The native name of `action_id`.'),
  score: z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? 'is required: a number from 0 to 100'
          : 'must be a number from 0 to 100',
    })
    .min(0, 'must be a number from 0 to 100')
    .max(100, 'must be a number from 0 to 100')
    .transform(Math.floor)
    .describe('0..100; a fraction is rounded down.'),
  label: text(EVALUATION_TEXT_LIMITS.label).describe('Such as `correct`; at most 100 characters.'),
  feedback: text(EVALUATION_TEXT_LIMITS.feedback).describe('At most 2,000 characters.'),
  evaluated_by: text(EVALUATION_TEXT_LIMITS.evaluatedBy).describe(
    'Who scored it, in words; the key that sent it is recorded in the trail anyway.',
  ),
})
  .superRefine(
    (b, ctx) => {
      if (b.action_id === undefined && b.event_id === undefined)
        ctx.addIssue({ code: 'custom', message: 'is required (or event_id)', path: ['action_id'] })
      else if (b.action_id !== undefined && b.event_id !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'cannot be sent with action_id',
          path: ['event_id'],
        })
    },
    // Checked even when another field is wrong, so that one answer names every problem.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .meta({ id: 'NewEvaluation' })

export const EvaluationSchema = z
  .object({
    id: z.string(),
    event_id: z.string(),
    action_id: z.string().describe('The same as `event_id` (AgentLedger’s name).'),
    environment: z.string().describe('The event’s.'),
    agent: z.string().nullable().describe('The event’s.'),
    agent_name: z.string().nullable().describe('The same as `agent` (AgentLedger’s name).'),
    score: z.number().int(),
    label: z.string().nullable(),
    feedback: z.string().nullable(),
    evaluated_by: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'Evaluation' })

/** A stored evaluation as every answer shows it: with AgentLedger's names beside the native ones. */
export function evaluationView(e: EvaluationRecord): z.infer<typeof EvaluationSchema> {
  return { ...e, action_id: e.event_id, agent_name: e.agent }
}

const name = () => z.string().min(1).max(LIMITS.shortString)

export const EvaluationListQuery = z
  .object({
    action_id: name().optional().describe('Only the evaluations of this event.'),
    event_id: name().optional().describe('The native name of `action_id`.'),
    agent: name().optional(),
    label: z.string().min(1).max(EVALUATION_TEXT_LIMITS.label).optional(),
    environment: name().optional(),
    from: timeParam.optional().describe('Inclusive lower bound on `created_at`.'),
    to: timeParam.optional().describe('Exclusive upper bound on `created_at`.'),
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(200, 'must be at most 200')
      .default(50)
      .describe('1..200, default 50.'),
  })
  .refine((q) => q.action_id === undefined || q.event_id === undefined, {
    message: 'cannot be sent with action_id',
    path: ['event_id'],
  })

export const EvaluationStatsQuery = z
  .object({
    from: timeParam.optional().describe('Inclusive. Default: `days` before `to`.'),
    to: timeParam.optional().describe('Exclusive. Default: now.'),
    days: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(366, 'must be at most 366')
      .optional()
      .describe('The window’s length when `from` is not sent: 1..366, default 30.'),
    environment: name().optional(),
    agent: name().optional(),
    label: z
      .string()
      .min(1)
      .max(EVALUATION_TEXT_LIMITS.label)
      .optional()
      .describe('Only the evaluations with this label.'),
  })
  .refine((q) => q.days === undefined || q.from === undefined, {
    message: 'cannot be sent with from',
    path: ['days'],
  })

const average = z.number().nullable()

export const EvaluationStatsSchema = z
  .object({
    avgScore: average.describe('Mean score, to one decimal; null when there are none.'),
    totalEvaluations: z.number().int(),
    byAgent: z
      .record(z.string(), average)
      .describe('Mean score per agent, to one decimal (events without an agent are left out).'),
    byLabel: z.record(z.string(), z.number().int()).describe('Evaluations per label.'),
    trend: z
      .array(z.object({ date: z.string(), avgScore: average, count: z.number().int() }))
      .describe('Per UTC day with evaluations, oldest first.'),
    from: z.string(),
    to: z.string(),
  })
  .meta({ id: 'EvaluationStats' })
