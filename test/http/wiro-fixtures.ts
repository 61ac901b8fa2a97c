/**
 * The examples of shared/reference/003 (Wiro agent logs), as written there: the request bodies of
 * its curl examples and the events of its documented responses.
 */

/** The guid every example uses. AgentTrail derives guids, so tests put the agent's own in its place. */
export const DOC_GUID = 'f8e7d6c5-b4a3-2190-fedc-ba0987654321'

export const CURL_LOGS = `{ "useragentguid": "f8e7d6c5-b4a3-2190-fedc-ba0987654321", "lines": 200 }`
export const CURL_LOGS_LIST = `{ "useragentguid": "f8e7d6c5-b4a3-2190-fedc-ba0987654321" }`
export const CURL_LOGS_FILE = `{ "useragentguid": "f8e7d6c5-b4a3-2190-fedc-ba0987654321", "date": "2026-05-02" }`
export const CURL_LOGS_DELETE = `{ "useragentguid": "f8e7d6c5-b4a3-2190-fedc-ba0987654321", "date": "2026-05-02" }`

const ada = {
  uuid: 'ada-uuid',
  firstname: 'Ada',
  lastname: 'Lovelace',
  email: 'ada@example.com',
  username: 'ada',
  avatar: 'https://cdn.wiro.ai/avatars/ada.webp',
  avatarinitials: 'AL',
}

/** "ActivityEvent Shape". */
export const SHAPE_EXAMPLE = {
  ts: '2026-05-03T14:00:10.234Z',
  kind: 'tool_completed',
  tool: 'web_fetch',
  title: 'Fetched https://blog.example.com/weekly-roundup-12',
  summary: { url: 'https://blog.example.com/weekly-roundup-12', status: 200, bytes: 18432 },
  durationMs: 1840,
  ok: true,
  cost: { credits: 5, skill: 'int-wiro-aimodels', action: 'create' },
  userUuid: 'ada-uuid',
  user: ada,
}

/** "Token-usage events". */
export const TOKEN_USAGE_EXAMPLE = {
  ts: '2026-05-03T14:02:55.310Z',
  kind: 'token_usage',
  title: 'Token usage: 4270 tokens · 5 credits',
  model: 'openai/gpt-5.4',
  tokens: { input: 3450, output: 820, cacheRead: 2400, cacheWrite: 0, total: 4270 },
  tokencost: 5,
  durationMs: 4200,
  calls: 2,
  remainingcredits: 9995,
  userUuid: 'system',
  user: null,
}

/** The `events` of the `POST /UserAgent/Logs` response, newest first as documented. */
export const LOGS_RESPONSE_EVENTS = [
  {
    ts: '2026-05-03T14:00:12.481Z',
    kind: 'tool_completed',
    tool: 'exec',
    title: 'Charged 60 credits · int-wordpress-post (create)',
    summary: { skill: 'int-wordpress-post', action: 'create', balanceafter: 4940 },
    durationMs: 92,
    ok: true,
    cost: { credits: 60, skill: 'int-wordpress-post', action: 'create' },
    userUuid: 'system',
    user: null,
  },
  {
    ts: '2026-05-03T14:00:10.305Z',
    kind: 'tool_completed',
    tool: 'exec',
    title: 'Posted: "Weekly Roundup"',
    summary: {
      title: 'Weekly Roundup',
      url: 'https://blog.example.com/weekly-roundup-12',
      categories: ['AI', 'Tutorial'],
    },
    durationMs: 1840,
    ok: true,
    userUuid: 'system',
    user: null,
  },
  {
    ts: '2026-05-03T13:30:00.000Z',
    kind: 'cron_finished',
    title: 'Cron tick: cs-cron-blog-scanner',
    summary: { skill: 'cs-cron-blog-scanner', interval: '0 9 * * *', trigger: 'scheduled' },
    durationMs: 4210,
    ok: true,
    userUuid: 'system',
    user: null,
  },
  {
    ts: '2026-05-03T13:14:42.118Z',
    kind: 'agent_reply',
    title: 'Agent replied (412 words, 8.1s)',
    summary: {
      messageguid: '5c41dabf-f2be-4aa8-a5a4-8c9e3d2f3f11',
      elapsedTime: '8.1s',
      wordCount: 412,
    },
    durationMs: 8104,
    ok: true,
    userUuid: 'ada-uuid',
    user: ada,
  },
]

/** The `events` of the `POST /UserAgent/LogsFile` response (date 2026-05-02), newest first. */
export const LOGS_FILE_EVENTS = [
  {
    ts: '2026-05-02T08:00:20.142Z',
    kind: 'user_message',
    title: 'User: "Hi, can you draft a roundup post?"',
    summary: { messageguid: '5c41dabf-…', wordCount: 8 },
    userUuid: 'ada-uuid',
    user: ada,
  },
  {
    ts: '2026-05-02T08:00:00.000Z',
    kind: 'session_start',
    title: 'Session started: user-42',
    summary: { sessionkey: 'user-42' },
    userUuid: 'ada-uuid',
    user: ada,
  },
]

/** A day of the "Retention & Rotation" table; the LogsDelete example removes 2026-05-01 in its answer. */
export const MAY_FIRST_EVENT = {
  ts: '2026-05-01T09:00:00.000Z',
  kind: 'cron_finished',
  title: 'Cron tick: cs-cron-blog-scanner',
  summary: { skill: 'cs-cron-blog-scanner', interval: '0 9 * * *', trigger: 'scheduled' },
  durationMs: 3900,
  ok: true,
  userUuid: 'system',
  user: null,
}
