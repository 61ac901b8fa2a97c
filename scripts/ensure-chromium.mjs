#!/usr/bin/env node
/**
 * Makes sure the Chromium the browser tests drive is installed.
 *
 * The path is `AGENTTRAIL_CHROMIUM` or `/usr/bin/chromium`. When it is present the script exits 0
 * at once. When it is missing and the process runs as root on Debian, it installs Debian's
 * `chromium` package with apt-get, streaming apt's output. It always runs `apt-get update` first:
 * measured on a fresh machine the update took 2 s of a 28 s install, while the lists the image
 * shipped with knew only bookworm's point release, so installing from them chose Chromium 150
 * instead of bookworm-security's 156. Anywhere else it exits non-zero saying how to install
 * Chromium by hand.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const DEFAULT_PATH = '/usr/bin/chromium'
const executable = process.env.AGENTTRAIL_CHROMIUM || DEFAULT_PATH

/** Reads /etc/os-release; a missing file means "not Debian". */
function isDebian() {
  try {
    const text = readFileSync('/etc/os-release', 'utf8')
    return /^ID=("?)debian\1$/m.test(text) || /^ID_LIKE=.*\bdebian\b/m.test(text)
  } catch {
    return false
  }
}

/** Runs a command with its output going straight to ours; returns its exit status. */
function run(command, args) {
  console.log(`ensure-chromium: ${command} ${args.join(' ')}`)
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  if (result.error) {
    console.error(`ensure-chromium: could not start ${command}: ${result.error.message}`)
    return 1
  }
  return result.status ?? 1
}

function fail(message) {
  console.error(`ensure-chromium: ${message}`)
  process.exit(1)
}

const HOW_TO =
  'install it with `sudo apt-get update && sudo apt-get install -y --no-install-recommends ' +
  'chromium` (Debian), or point AGENTTRAIL_CHROMIUM at a Chromium or Chrome executable, ' +
  'then run `node scripts/ensure-chromium.mjs` again'

if (existsSync(executable)) process.exit(0)

if (process.env.AGENTTRAIL_CHROMIUM) {
  fail(`AGENTTRAIL_CHROMIUM is ${executable}, which does not exist; ${HOW_TO}`)
}
if (!isDebian()) fail(`Chromium is missing at ${executable} and this is not Debian; ${HOW_TO}`)
if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
  fail(`Chromium is missing at ${executable} and installing it needs root; ${HOW_TO}`)
}

const started = performance.now()
// Another apt run may hold the dpkg lock (several test runs on one machine): wait for it.
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=300']
const install = ['install', '-y', '--no-install-recommends', 'chromium']
if (run('apt-get', [...LOCK_WAIT, 'update']) !== 0) fail(`apt-get update failed; ${HOW_TO}`)
if (run('apt-get', [...LOCK_WAIT, ...install]) !== 0) {
  fail(`apt-get install chromium failed; ${HOW_TO}`)
}
if (!existsSync(executable)) fail(`apt-get finished but ${executable} is still missing; ${HOW_TO}`)
const seconds = ((performance.now() - started) / 1000).toFixed(1)
console.log(`ensure-chromium: installed ${executable} in ${seconds} s`)
