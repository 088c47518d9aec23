// Options several commands share (run, drill, demo, export, probe, capacity), checked in one place:
// every malformed value is a one-line error naming the flag.
import { readFileSync } from 'node:fs'
import type { Argv } from 'yargs'
import { isSizeName, SIZES, type RunRequest, type SizeName } from '../app/index.ts'
import { parseDurationMs, UserError } from '../core/index.ts'

export function positiveNumber(flag: string, text: string | undefined, integer: boolean): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UserError('LMSLOAD_USAGE', `--${flag}: expected ${integer ? 'a whole number' : 'a number'} above 0, got '${text}'`)
  }
  return value
}

/** How much load and which random draws: the options `run`, `drill` and `export` share. */
export function shapeOptions<T>(y: Argv<T>) {
  return y
      .option('scale', { type: 'string', describe: 'multiply learner counts (0.05 for a 5 % run, 2 for 200 %)' })
      .option('size', { type: 'string', describe: `learners as Moodle's test-plan sizes: ${Object.entries(SIZES).map(([k, v]) => `${k}=${v}`).join(', ')}` })
      .option('duration', { type: 'string', describe: "run the traffic model over this length, e.g. '90s' (see docs/scenarios.md)" })
      .option('seed', { type: 'string', describe: 'random seed of the arrival plan and learners (default 1)' })
}

/** --scale, --size, --duration and --seed, checked: every malformed value is a one-line error. */
export function shapeOf(argv: { scale?: string; size?: string; duration?: string; seed?: string }): { shape: NonNullable<RunRequest['shape']>; seed: number | undefined } {
  if (argv.size !== undefined && !isSizeName(argv.size)) {
    throw new UserError('LMSLOAD_USAGE', `--size: expected one of ${Object.keys(SIZES).join(', ')}, got '${argv.size}'`)
  }
  if (argv.seed !== undefined && !/^\d{1,10}$/.test(argv.seed)) throw new UserError('LMSLOAD_USAGE', `--seed: expected a whole number, got '${argv.seed}'`)
  const durationMs = argv.duration === undefined ? undefined : parseDurationMs(argv.duration, '--duration')
  if (durationMs !== undefined && durationMs <= 0) throw new UserError('LMSLOAD_USAGE', `--duration: must be longer than 0s, got '${argv.duration}'`)
  return {
    shape: { scale: positiveNumber('scale', argv.scale, false), size: argv.size as SizeName | undefined, durationMs },
    seed: argv.seed === undefined ? undefined : Number(argv.seed),
  }
}

export interface RunArgs {
  scenario: string
  target?: string
  'allow-remote': boolean
  scale?: string
  size?: string
  duration?: string
  workers?: string
  out?: string
  scrape?: string[]
  pid?: string[]
  seed?: string
  quiet: boolean
  check?: boolean
  'max-learners'?: string
  connections?: string
  insecure?: boolean
  ca?: string
  uniform: boolean
  'backend-profile'?: string
  'backend-workers'?: string
  budget?: string
  env?: string[]
  secret?: string[]
  'secret-file'?: string[]
  output?: string[]
  shard?: string
  'start-at'?: string
  barrier?: string
  'barrier-delay'?: string
  'barrier-timeout'?: string
  'setup-from'?: string
  'clock-url'?: string
  'allow-skew'?: boolean
}

/**
 * --shard K/N (or job/N: K is Kubernetes's JOB_COMPLETION_INDEX + 1), --start-at, --barrier and the
 * rest of a sharded run's options, checked: every malformed value is a one-line error naming the flag.
 */
export function shardingOf(argv: RunArgs, environment: NodeJS.ProcessEnv): Pick<RunRequest, 'shard' | 'startAtMs' | 'barrier' | 'setupFile' | 'clockUrl' | 'allowSkew'> {
  const given = ['start-at', 'barrier', 'barrier-delay', 'barrier-timeout', 'clock-url', 'allow-skew'].filter((f) => argv[f as keyof RunArgs] !== undefined && argv[f as keyof RunArgs] !== false)
  const setupFile = argv['setup-from'] === undefined ? {} : { setupFile: argv['setup-from'] }
  if (argv.shard === undefined) {
    if (given.length) throw new UserError('LMSLOAD_USAGE', `--${given[0]}: only for a sharded run (--shard K/N)`)
    return setupFile
  }
  const m = /^(\d+|job)\/(\d+)$/.exec(argv.shard)
  if (!m) throw new UserError('LMSLOAD_USAGE', `--shard: expected K/N (shard K of N, from 1) or job/N (K from JOB_COMPLETION_INDEX), got '${argv.shard}'`)
  const count = Number(m[2])
  let k: number
  if (m[1] === 'job') {
    const index = environment.JOB_COMPLETION_INDEX
    if (index === undefined || !/^\d+$/.test(index)) throw new UserError('LMSLOAD_USAGE', `--shard job/${count}: JOB_COMPLETION_INDEX is ${index === undefined ? 'not set (it is set in the pods of a Kubernetes Indexed Job)' : `'${index}', not a whole number`}`)
    k = Number(index) + 1
  } else {
    k = Number(m[1])
  }
  if (count < 1 || k < 1 || k > count) throw new UserError('LMSLOAD_USAGE', `--shard ${argv.shard}: K must be between 1 and N (N at least 1)`)
  if ((argv['start-at'] === undefined) === (argv.barrier === undefined)) {
    throw new UserError('LMSLOAD_USAGE', `--shard ${argv.shard}: give the shards a common start, --start-at TIME or --barrier DIR (one of them)`)
  }
  if (argv.barrier === undefined && (argv['barrier-delay'] !== undefined || argv['barrier-timeout'] !== undefined)) {
    throw new UserError('LMSLOAD_USAGE', `--${argv['barrier-delay'] !== undefined ? 'barrier-delay' : 'barrier-timeout'}: only with --barrier DIR`)
  }
  let startAtMs: number | undefined
  if (argv['start-at'] !== undefined) {
    const text = argv['start-at']
    startAtMs = /^\d{13}$/.test(text) ? Number(text) : /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?(Z|[+-]\d\d:\d\d)$/.test(text) ? Date.parse(text) : Number.NaN
    if (!Number.isFinite(startAtMs)) throw new UserError('LMSLOAD_USAGE', `--start-at: expected an instant with its zone, like 2026-12-05T10:00:00.000Z, or epoch milliseconds, got '${text}'`)
  }
  if (argv['clock-url'] !== undefined) {
    try {
      new URL(argv['clock-url'])
    } catch {
      throw new UserError('LMSLOAD_USAGE', `--clock-url: expected a URL answering epoch milliseconds, got '${argv['clock-url']}'`)
    }
  }
  const delay = argv['barrier-delay'] === undefined ? 10_000 : parseDurationMs(argv['barrier-delay'], '--barrier-delay')
  const timeout = argv['barrier-timeout'] === undefined ? 300_000 : parseDurationMs(argv['barrier-timeout'], '--barrier-timeout')
  return {
    shard: { index: k - 1, count },
    ...(startAtMs !== undefined ? { startAtMs } : {}),
    ...(argv.barrier !== undefined ? { barrier: { dir: argv.barrier, delayMs: delay, timeoutMs: timeout } } : {}),
    ...setupFile,
    ...(argv['clock-url'] !== undefined ? { clockUrl: argv['clock-url'] } : {}),
    ...(argv['allow-skew'] ? { allowSkew: true } : {}),
  }
}

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * --env KEY=VALUE, --secret KEY (the value from the environment variable KEY) and --secret-file
 * KEY=PATH: a secret's value never comes from the command line, and no message repeats one.
 */
export function parametersOf(argv: Pick<RunArgs, 'env' | 'secret' | 'secret-file'>, environment: NodeJS.ProcessEnv): { env: Record<string, string>; secrets: Record<string, string> } {
  const env: Record<string, string> = {}
  const secrets: Record<string, string> = {}
  for (const item of argv.env ?? []) {
    const eq = String(item).indexOf('=')
    const key = eq < 0 ? String(item) : String(item).slice(0, eq)
    if (eq < 0 || !PARAMETER_NAME.test(key)) throw new UserError('LMSLOAD_USAGE', `--env ${item}: expected KEY=VALUE with KEY of letters, digits and '_'`)
    env[key] = String(item).slice(eq + 1)
  }
  for (const item of argv.secret ?? []) {
    const key = String(item)
    if (key.includes('=')) throw new UserError('LMSLOAD_USAGE', `--secret ${key.slice(0, key.indexOf('='))}=…: --secret takes a name only; a secret's value never goes on the command line (set it in the environment, or use --secret-file KEY=<file>)`)
    if (!PARAMETER_NAME.test(key)) throw new UserError('LMSLOAD_USAGE', `--secret ${key}: a name of letters, digits and '_'`)
    const value = environment[key]
    if (value === undefined || value === '') throw new UserError('LMSLOAD_USAGE', `--secret ${key}: the environment has no ${key} (export it, or use --secret-file ${key}=<file>)`)
    secrets[key] = value
  }
  for (const item of argv['secret-file'] ?? []) {
    const eq = String(item).indexOf('=')
    const key = eq < 0 ? '' : String(item).slice(0, eq)
    const file = String(item).slice(eq + 1)
    if (eq < 0 || !PARAMETER_NAME.test(key) || file === '') throw new UserError('LMSLOAD_USAGE', `--secret-file ${item}: expected KEY=PATH (the file holds the value)`)
    let value: string
    try {
      value = readFileSync(file, 'utf8').replace(/\r?\n$/, '')
    } catch (error) {
      throw new UserError('LMSLOAD_USAGE', `--secret-file ${key}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
    }
    if (value === '') throw new UserError('LMSLOAD_USAGE', `--secret-file ${key}: ${file} is empty`)
    secrets[key] = value
  }
  return { env, secrets }
}

/** What to sample beside the load, every second: the options `run`, `drill` and `capacity` share. */
export function samplingOptions<T>(y: Argv<T>) {
  return y
      .option('scrape', { type: 'string', array: true, describe: 'Prometheus /metrics URL to sample every second (repeatable)' })
      .option('pid', { type: 'string', array: true, describe: 'local process to sample from /proc every second (repeatable)' })
}

/** --scrape and --pid, checked: every malformed value is a one-line error. */
export function samplingOf(argv: { scrape?: string[]; pid?: string[] }): { scrape: string[] | undefined; pids: number[] } {
  const pids = (argv.pid ?? []).map((p) => positiveNumber('pid', p, true)!)
  for (const url of argv.scrape ?? []) {
    try {
      new URL(url)
    } catch {
      throw new UserError('LMSLOAD_USAGE', `--scrape: expected a URL like http://127.0.0.1:9100/metrics, got '${url}'`)
    }
  }
  return { scrape: argv.scrape, pids }
}

/** The options `run` and `drill` share: what to run, where, and how hard. */
export function runOptions<T>(y: Argv<T>) {
  return samplingOptions(shapeOptions(y))
      .positional('scenario', { type: 'string', describe: 'scenario file (.ts or .js) whose default export is defineScenario(…), or a ready scenario by name (see lmsload scenarios)' })
      .option('target', { type: 'string', describe: 'base URL of the LMS under test (default: start the bundled reference backend)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a target that is not on loopback' })
      .option('workers', { type: 'string', describe: 'load worker threads (default: cores − 1 for a local target, all cores otherwise)' })
      .option('out', { type: 'string', describe: 'run directory to create (default reports/runs/<yyyymmdd-hhmmss>-<scenario>)' })
      .option('max-learners', { type: 'string', describe: 'cap on concurrent learners; arrivals beyond it are dropped and counted' })
      .option('connections', { type: 'string', describe: 'connections per target per worker (default 256)' })
      .option('insecure', { type: 'boolean', default: false, describe: 'accept any TLS certificate of the target (a test LMS with a self-signed one)' })
      .option('ca', { type: 'string', describe: 'PEM file of the certificate authorities trusted for an HTTPS target (instead of the system ones)' })
      .option('uniform', { type: 'boolean', default: false, describe: 'space arrivals evenly instead of as a Poisson process' })
      .option('backend-profile', { type: 'string', describe: 'bottleneck profile of the bundled backend (see lmsload backend start --help)' })
      .option('backend-workers', { type: 'string', describe: 'processes of the bundled backend' })
      .option('budget', { type: 'string', describe: 'JSON budget file evaluated with the scenario budgets (exit 99 when one fails)' })
      .option('env', { type: 'string', array: true, describe: "a parameter for the scenario, KEY=VALUE (repeatable; env('KEY') in the scenario; recorded in run.json)" })
      .option('secret', { type: 'string', array: true, describe: "a secret for the scenario, by name: its value is the environment variable KEY (repeatable; secret('KEY'); never recorded)" })
      .option('secret-file', { type: 'string', array: true, describe: 'a secret read from a file, KEY=PATH (repeatable)' })
      .option('output', { type: 'string', array: true, describe: 'a live output, repeatable: prometheus=URL (remote write), ndjson=FILE or ndjson=- (stdout)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no live progress' })
}

/** --insecure and --ca: how the target's certificate is trusted. */
function tlsOf(argv: RunArgs): Pick<RunRequest, 'tls'> {
  if (argv.ca === undefined) return argv.insecure ? { tls: { insecure: true } } : {}
  let ca: string
  try {
    ca = readFileSync(argv.ca, 'utf8')
  } catch (error) {
    throw new UserError('LMSLOAD_USAGE', `--ca: cannot read ${argv.ca} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UserError('LMSLOAD_USAGE', `--ca: ${argv.ca} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`)
  return { tls: { ca, caFile: argv.ca, insecure: argv.insecure === true } }
}

/** The run request the shared options describe; every malformed value is a one-line error. */
export function runRequestOf(argv: RunArgs, stepSummaryFile?: string): RunRequest {
  const { shape, seed } = shapeOf(argv)
  const { scrape, pids } = samplingOf(argv)
  return {
    scenarioFile: argv.scenario,
    target: argv.target,
    allowRemote: argv['allow-remote'],
    shape,
    workers: positiveNumber('workers', argv.workers, true),
    seed,
    out: argv.out,
    scrape,
    pids,
    maxLearners: positiveNumber('max-learners', argv['max-learners'], true),
    connections: positiveNumber('connections', argv.connections, true),
    spacing: argv.uniform ? 'uniform' : 'poisson',
    ...tlsOf(argv),
    backendProfile: argv['backend-profile'],
    backendWorkers: positiveNumber('backend-workers', argv['backend-workers'], true),
    budgetFile: argv.budget,
    stepSummaryFile,
    parameters: parametersOf(argv, process.env),
    ...(argv.output?.length ? { outputs: argv.output.map(String) } : {}),
  }
}
