import { describe, expect, it } from 'vitest'
import { REDACTED, createRedactor } from './redact.js'
import { isSecretName } from './secret-patterns.js'

const on = createRedactor({ enabled: true, field_names: [], allow_field_names: [] })

describe('secret redaction', () => {
  it('knows credential field names and leaves token counts alone', () => {
    for (const name of [
      'password',
      'apiKey',
      'OPENAI_API_KEY',
      'x-api-key',
      'client_secret',
      'slackBotToken',
      'Authorization',
      'appPassword',
      'db_password',
      'access_token',
    ])
      expect(isSecretName(name), name).toBe(true)
    for (const name of [
      'tokens',
      'max_tokens',
      'tokens_input',
      'token_usage',
      'tokencost',
      'idempotency_key',
      'cacheRead',
      'keyword',
      'author',
    ])
      expect(isSecretName(name), name).toBe(false)
  })

  it('knows a dotted attribute name by its last part, as OpenTelemetry names headers and connection strings', () => {
    for (const name of [
      'http.request.header.authorization',
      'http.request.header.cookie',
      'http.response.header.set-cookie',
      'db.connection_string',
      'http.request.header.x-api-key',
      'sentry.dsn',
    ])
      expect(isSecretName(name), name).toBe(true)
    for (const name of [
      'gen_ai.usage.input_tokens',
      'gen_ai.request.max_tokens',
      'llm.token_count.prompt',
      'http.request.header.accept',
      'db.system',
      'auth.method',
    ])
      expect(isSecretName(name), name).toBe(false)
  })

  it('replaces values of secret fields at any depth without touching the input', () => {
    const input = {
      context: { amount: 50, api_key: 'abc', nested: [{ password: 'hunter2' }] },
      tokens: 312,
    }
    const { value, count } = on.redact(input)
    expect(value).toEqual({
      context: { amount: 50, api_key: REDACTED, nested: [{ password: REDACTED }] },
      tokens: 312,
    })
    expect(count).toBe(2)
    expect(input.context.api_key).toBe('abc')
  })

  it('finds published key formats inside text', () => {
    const text = [
      'openai sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345',
      'anthropic sk-ant-api03-AbCdEfGhIjKlMnOpQrSt',
      'aws AKIAIOSFODNN7EXAMPLE',
      'gh ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
      'header Authorization: Bearer abcdefghijklmnop.qrstu',
      'db postgres://app:s3cretpass@db.internal:5432/app',
      'jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ].join('\n')
    const { value, count } = on.redact(text)
    const out = value as string
    expect(out).not.toMatch(
      /AbCdEf|AKIAIOSFODNN7EXAMPLE|ghp_a1B2|abcdefghijklmnop|s3cretpass|eyJzdWIi/,
    )
    expect(out).toContain('postgres://app:[REDACTED]@db.internal')
    expect(out).toContain('Bearer [REDACTED]')
    expect(count).toBe(7)
  })

  it('redacts high-entropy assignments but not ids, times or plain words', () => {
    const { value } = on.redact(
      'SESSION_SIGNER=Zx8pQ2rT7vL9mN4kJ6hG3 trace_id=550e8400-e29b-41d4-a716-446655440000 at ts=2026-05-03T14:00:10.234Z mode=production password: hunter22',
    )
    expect(value).toBe(
      `SESSION_SIGNER=${REDACTED} trace_id=550e8400-e29b-41d4-a716-446655440000 at ts=2026-05-03T14:00:10.234Z mode=production password: ${REDACTED}`,
    )
  })

  it('closes the gaps a review found: scheme case, short password names, service keys, empty URL users, long values, depth', () => {
    expect(on.redact('authorization: bearer 9f8a7b6c5d4e3f2a1b0c').value).toBe(
      `authorization: bearer ${REDACTED}`,
    )
    expect(on.redact('Basic information about the Bearer of this letter').value).toBe(
      'Basic information about the Bearer of this letter',
    )
    expect(on.redact('MYSQL_PWD=s3cret99 DB_PASS=hunter22').value).toBe(
      `MYSQL_PWD=${REDACTED} DB_PASS=${REDACTED}`,
    )
    expect(
      on.redact({
        db_pass: 'x1',
        stripeKey: 'y2',
        routing_key: 'z3',
        idempotency_key: 'k1',
        sort_key: 'name',
      }).value,
    ).toEqual({
      db_pass: REDACTED,
      stripeKey: REDACTED,
      routing_key: REDACTED,
      idempotency_key: 'k1',
      sort_key: 'name',
    })
    expect(on.redact('REDIS_URL=redis://:pw0rd@cache:6379').value).toBe(
      `REDIS_URL=redis://:${REDACTED}@cache:6379`,
    )
    const long = 'x'.repeat(2_000)
    expect(on.redact(`password=${long} next`).value).toBe(`password=${REDACTED} next`)
    expect(on.redact('a=1&password=hunter22').value).toBe(`a=1&password=${REDACTED}`)
    let deep: unknown = { password: 'p' }
    for (let i = 0; i < 80; i++) deep = { next: deep }
    expect(JSON.stringify(on.redact(deep).value)).not.toContain('"p"')
  })

  it('follows the org settings: extra names, allowed names, off', () => {
    const custom = createRedactor({
      enabled: true,
      field_names: ['ssn'],
      allow_field_names: ['token'],
    })
    expect(custom.redact({ ssn: '123-45-6789', token: 'visible' }).value).toEqual({
      ssn: REDACTED,
      token: 'visible',
    })
    const off = createRedactor({ enabled: false, field_names: [], allow_field_names: [] })
    expect(off.redact({ password: 'x' }).value).toEqual({ password: 'x' })
  })

  it('stays fast on hostile input', () => {
    const hostile = `${'a'.repeat(200_000)}=${'b1'.repeat(100_000)} ${'x_'.repeat(100_000)}`
    const started = performance.now()
    on.redact(hostile)
    // Generous bound: the point is linear time, not speed (quadratic would take minutes).
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
