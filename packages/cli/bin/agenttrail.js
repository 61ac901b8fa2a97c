#!/usr/bin/env node
// The `agenttrail` command. It is committed, unlike dist/, so that `npm install` links it into
// node_modules/.bin (npm links a bin only if its file exists at install time); it runs the built CLI.
import { existsSync } from 'node:fs'

const main = new URL('../dist/main.js', import.meta.url)
if (existsSync(main)) await import(main.href)
else {
  process.stderr.write(
    'agenttrail: the command is not built yet; run `npm run build` (or `npm start`) in the repository first\n',
  )
  process.exitCode = 1
}
