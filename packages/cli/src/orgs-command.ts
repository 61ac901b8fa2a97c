import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PlanSchema, loadConfig, openStore, usageMonth, withPresetLimits } from '@agenttrail/server'
import type { Plan } from '@agenttrail/server'
import { fail, usage } from './exit-codes.js'

/** The flags of `orgs plan` and the plan keys they set; a limit takes a positive integer or `none`. */
const LIMIT_FLAGS = {
  'logs-per-month': 'logs_per_month',
  'retention-days': 'retention_days',
  rpm: 'requests_per_minute',
} as const

/**
 * `agenttrail orgs plan|show ORG`: the operator's side of plans. A plan is what the operator grants
 * a tenant, so it is set here, on the store (the data folder or DATABASE_URL), never with one of
 * the tenant's API keys. Running servers apply a change within 5 s (their settings cache).
 */
export async function orgsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const { values, positionals } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'logs-per-month': { type: 'string' },
      'retention-days': { type: 'string' },
      rpm: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  })
  if (sub !== 'plan' && sub !== 'show')
    return usage(`unknown orgs command "${sub ?? ''}"; use plan or show`)
  const org = positionals[0]
  if (!org || positionals.length > 1)
    return usage(`orgs ${sub} needs one org id, such as agenttrail orgs ${sub} acme`)
  let change: Partial<Plan> = {}
  if (sub === 'plan') {
    const parsed = planChange(values)
    if (typeof parsed === 'string') return usage(parsed)
    change = parsed
  }

  if (values['data-dir'] !== undefined && values['database-url'] !== undefined)
    return usage('give --data-dir or --database-url, not both')
  const env: Record<string, string | undefined> = { ...process.env }
  if (values['data-dir'] !== undefined) {
    env.AGENTTRAIL_DATA_DIR = values['data-dir']
    delete env.DATABASE_URL // an explicit data folder means the embedded store
  }
  if (values['database-url'] !== undefined) env.DATABASE_URL = values['database-url']
  const config = loadConfig(env)
  // Never create an empty database by mistyping a folder: the org must already exist somewhere.
  const file = join(config.dataDir, 'agenttrail.db')
  if (!config.databaseUrl && !existsSync(file)) return fail(`no database at ${file}`)
  const store = await openStore(config)
  const out = (line: string) => process.stdout.write(`${line}\n`)
  try {
    if (!(await store.orgs.exists(org)))
      return fail(
        `no org "${org}" in this store; an org is created with its first key: agenttrail keys create --org ${org} --name NAME`,
      )
    if (sub === 'plan') {
      const { plan } = await store.orgs.updateSettings(org, { plan: withPresetLimits(change) })
      out(`Set the plan of org ${org}: ${describePlan(plan)}. Running servers apply it within 5 s.`)
      return 0
    }
    const month = usageMonth(Date.now())
    const settings = await store.orgs.settings(org)
    out(
      JSON.stringify(
        { org, settings, usage: { month, events: await store.orgs.usage(org, month) } },
        null,
        2,
      ),
    )
    return 0
  } finally {
    await store.close()
  }
}

/** The plan change the flags ask for, validated by the plan's own schema; a message when they are wrong. */
function planChange(values: Record<string, string | boolean | undefined>): Partial<Plan> | string {
  const change: Record<string, unknown> = {}
  if (values.name !== undefined) change.name = values.name
  for (const [flag, key] of Object.entries(LIMIT_FLAGS)) {
    const raw = values[flag]
    if (typeof raw !== 'string') continue
    if (raw === 'none') change[key] = null
    else if (/^\d+$/.test(raw) && Number(raw) > 0 && Number.isSafeInteger(Number(raw)))
      change[key] = Number(raw)
    else return `--${flag} takes a positive whole number or none, not "${raw}"`
  }
  if (Object.keys(change).length === 0)
    return 'orgs plan needs --name (free, pro, business, enterprise or your own) or a limit: --logs-per-month, --retention-days, --rpm'
  const result = PlanSchema.partial().strict().safeParse(change)
  if (!result.success)
    return `invalid plan: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
  // Only the keys given: the schema's defaults must not reset the limits the operator did not name.
  return Object.fromEntries(
    Object.entries(result.data).filter(([k]) => k in change),
  ) as Partial<Plan>
}

function describePlan(plan: Plan): string {
  return [
    plan.name,
    plan.logs_per_month === null ? 'no monthly log limit' : `${plan.logs_per_month} logs per month`,
    plan.retention_days === null
      ? 'events kept (no retention)'
      : `retention ${plan.retention_days} days`,
    plan.requests_per_minute === null
      ? 'no request rate limit'
      : `${plan.requests_per_minute} requests per minute`,
  ].join(', ')
}
