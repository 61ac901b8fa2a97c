/** Shapes of `/api/v1/evaluations` and `/api/v1/evaluations/stats` (see `/api/openapi.json`). */

export interface Evaluation {
  id: string
  event_id: string
  environment: string
  agent: string | null
  score: number
  label: string | null
  feedback: string | null
  evaluated_by: string | null
  created_at: string
}

export interface EvaluationStats {
  /** Mean score to one decimal; null when there are none. */
  avgScore: number | null
  totalEvaluations: number
  byAgent: Record<string, number | null>
  byLabel: Record<string, number>
  trend: { date: string; avgScore: number | null; count: number }[]
  from: string
  to: string
}
