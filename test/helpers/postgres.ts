import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'

/** A new, empty database on the test PostgreSQL; returns its URL. */
export async function freshDatabase(): Promise<string> {
  const base = new URL(inject('postgresUrl'))
  const name = `agenttrail_test_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: base.toString() })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  base.pathname = `/${name}`
  return base.toString()
}
