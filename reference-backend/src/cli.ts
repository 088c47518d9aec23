// `lmsload backend …`: seed, start, back up and restore the reference LMS. Runs as its own
// process (the toolkit and the backend share nothing but HTTP).
import cluster from 'node:cluster'
import { existsSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
import path from 'node:path'
import yargs, { type Argv } from 'yargs'
import { hideBin } from 'yargs/helpers'
import { BackupError, backupDatabase, restoreDatabase, verifyBackup } from './backup.ts'
import { DEFAULTS, DEFAULT_DATA_DIR, type BackendConfig } from './config.ts'
import { openDirect, sqliteFile } from './db/direct.ts'
import { runningPid, timestampForFile, writePidFile } from './datadir.ts'
import { KNOBS } from './knobs.ts'
import { PROFILE_DOCS, PROFILE_NAMES, type ProfileName } from './profiles.ts'
import { AlreadySeededError, seedDatabase, userCount } from './seed/seed.ts'
import { DEMO_PASSWORDS, SEED_DEFAULTS, type SeedSummary } from './seed/generate.ts'
import { prepareDatabase, runClusterPrimary, serve } from './server.ts'
import { readWrites, VERIFIABLE_KINDS, verifyWrites } from './verify-writes.ts'

class UsageError extends Error {}

const RESET_TABLES = ['answers', 'attempts', 'questions', 'quizzes', 'progress', 'lessons', 'submissions', 'assignments', 'forum_posts', 'enrolments', 'courses', 'sessions', 'users', 'settings', 'schema_migrations']

function fail(message: string): never {
  throw new UsageError(message)
}

function databaseUrlOf(argv: { 'database-url'?: string }): string | undefined {
  const url = argv['database-url'] ?? process.env.DATABASE_URL
  if (url === undefined || url === '') return undefined
  if (!/^postgres(ql)?:\/\//.test(url)) fail(`--database-url: expected a postgres:// URL, got '${url}'`)
  return url
}

function withCommon<T>(y: Argv<T>) {
  return y
    .option('data-dir', { type: 'string', default: DEFAULT_DATA_DIR, describe: 'where the SQLite database, uploads and backups live' })
    .option('database-url', { type: 'string', describe: 'use PostgreSQL at this URL instead of SQLite (default: $DATABASE_URL)' })
}

function describeSummary(s: SeedSummary): string {
  return `${s.learners} learners, ${s.instructors} instructors, ${s.courses} courses, ${s.lessons} lessons, ${s.quizzes} quizzes, ` +
    `${s.enrolments} enrolments, ${s.attempts} past attempts (${s.answers} answers), ${s.progress} progress rows`
}

/** A numeric flag parsed from its text, so the error can quote what was typed. */
function numeric(flag: string, describe: string, defaultValue: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER, integer = true) {
  return {
    type: 'string' as const,
    describe,
    ...(defaultValue === undefined ? {} : { default: String(defaultValue) }),
    coerce: (raw: string | number) => {
      const text = String(raw).trim()
      const value = Number(text)
      if (text === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`
        fail(`--${flag}: expected ${integer ? 'a whole number' : 'a number'} ${range}, got '${String(raw)}'`)
      }
      return value
    },
  }
}

async function seedCommand(argv: { 'data-dir': string; 'database-url'?: string; learners: number; courses: number; seed: number; reset: boolean; 'scrypt-log-n': number }) {
  const { learners, courses } = argv
  const dataDir = path.resolve(argv['data-dir'])
  const databaseUrl = databaseUrlOf(argv)
  const pid = runningPid(dataDir)
  if (pid) fail(`a backend (pid ${pid}) is serving ${dataDir}; stop it before seeding`)
  await mkdir(dataDir, { recursive: true })
  if (argv.reset) await resetDatabase(dataDir, databaseUrl)
  const conn = await openDirect(dataDir, databaseUrl)
  const started = performance.now()
  try {
    const summary = await seedDatabase(conn, { learners, courses, seed: argv.seed }, argv['scrypt-log-n'])
    console.log(`seeded ${databaseUrl ? 'PostgreSQL' : sqliteFile(dataDir)} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${describeSummary(summary)}`)
    console.log(`sign in as learner1..learner${learners} / ${DEMO_PASSWORDS.learner}, instructor1 / ${DEMO_PASSWORDS.instructor}, admin / ${DEMO_PASSWORDS.admin}`)
  } catch (error) {
    if (error instanceof AlreadySeededError) fail(`${dataDir} already holds ${error.users} users; pass --reset to replace them (the old database is kept under backups/)`)
    throw error
  } finally {
    await conn.close()
  }
}

/** Keeps the current database under backups/ before an explicit reseed: nothing is lost. */
async function resetDatabase(dataDir: string, databaseUrl: string | undefined): Promise<void> {
  const kept = path.join(dataDir, 'backups', `pre-reset-${timestampForFile()}`)
  if (databaseUrl) {
    const conn = await openDirect(dataDir, databaseUrl)
    try {
      if ((await userCount(conn)) > 0) {
        await backupDatabase(dataDir, databaseUrl, `${kept}.dump`)
        console.log(`previous database kept as ${kept}.dump`)
      }
      await conn.exec(`DROP TABLE IF EXISTS ${RESET_TABLES.join(', ')} CASCADE`)
    } finally {
      await conn.close()
    }
    return
  }
  const file = sqliteFile(dataDir)
  if (!existsSync(file)) return
  await mkdir(path.dirname(kept), { recursive: true })
  await rename(file, `${kept}.sqlite`)
  for (const suffix of ['-wal', '-shm']) if (existsSync(`${file}${suffix}`)) await rename(`${file}${suffix}`, `${kept}.sqlite${suffix}`)
  console.log(`previous database kept as ${kept}.sqlite`)
}

type StartArgs = Record<string, unknown> & { 'data-dir': string; 'database-url'?: string; host: string; port: number; workers: number; profile: string }

function configFrom(argv: StartArgs): BackendConfig {
  const config: BackendConfig = { ...DEFAULTS }
  config.dataDir = path.resolve(argv['data-dir'])
  config.databaseUrl = databaseUrlOf(argv)
  config.host = argv.host
  config.port = argv.port
  config.workers = argv.workers
  config.profile = argv.profile as ProfileName
  const target = config as unknown as Record<string, unknown>
  for (const knob of KNOBS) {
    const value = argv[knob.flag]
    if (value !== undefined) target[knob.key] = value
  }
  return config
}

async function startCommand(argv: StartArgs) {
  const config = configFrom(argv)
  const pid = runningPid(config.dataDir)
  if (pid) fail(`a backend (pid ${pid}) is already serving ${config.dataDir}`)
  const prepared = await prepareDatabase(config)
  if (prepared.seeded) console.log(`seeded demo data on first start: ${describeSummary(prepared.seeded)}`)
  const removePid = writePidFile(config.dataDir)
  const engine = config.databaseUrl ? 'postgresql' : 'sqlite'
  const ready = (url: string) => {
    console.log(`lmsload backend listening on ${url} (${engine}, profile ${config.profile}, ${config.workers} worker${config.workers > 1 ? 's' : ''}, ${prepared.users} users)`)
    // A server's output is its log: no passwords in it, not even the demo ones (see the README).
    console.log(`sign in: POST ${url}/api/auth/login as a seeded account such as learner1 (passwords in the README)`)
  }
  let stop: () => Promise<void>
  if (config.workers > 1) {
    stop = await runClusterPrimary(config, ready)
  } else {
    const server = await serve(config)
    ready(server.url)
    stop = () => server.close()
  }
  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`lmsload backend: ${signal}, shutting down`)
    stop().finally(() => {
      removePid()
      process.exit(0)
    })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

async function backupCommand(argv: { 'data-dir': string; 'database-url'?: string; to: string }) {
  const manifest = await backupDatabase(path.resolve(argv['data-dir']), databaseUrlOf(argv), path.resolve(argv.to))
  console.log(`backed up ${manifest.engine} to ${path.resolve(argv.to)} (${manifest.bytes} bytes, sha256 ${manifest.sha256.slice(0, 16)}…)`)
}

async function restoreCommand(argv: { 'data-dir': string; 'database-url'?: string; from: string; 'verify-only': boolean }) {
  const from = path.resolve(argv.from)
  if (argv['verify-only']) {
    const manifest = await verifyBackup(from)
    console.log(`${from}: ok (${manifest.engine}, ${manifest.bytes} bytes, taken ${manifest.createdAt})`)
    return
  }
  const result = await restoreDatabase(path.resolve(argv['data-dir']), databaseUrlOf(argv), from)
  console.log(`restored ${result.manifest.engine} from ${from} (taken ${result.manifest.createdAt})`)
  if (result.previous) console.log(`the database it replaced is kept as ${result.previous}`)
}

async function verifyWritesCommand(argv: { 'data-dir': string; 'database-url'?: string; writes: string }) {
  const file = path.resolve(argv.writes)
  if (!existsSync(file)) fail(`--writes: ${file} does not exist`)
  let writes
  try {
    writes = readWrites(file)
  } catch (error) {
    fail((error as Error).message)
  }
  const db = await openDirect(path.resolve(argv['data-dir']), databaseUrlOf(argv))
  try {
    console.log(JSON.stringify(await verifyWrites(db, writes)))
  } finally {
    await db.close()
  }
}

function profileHelp(): string {
  return PROFILE_NAMES.map((p) => `  ${p.padEnd(17)} ${PROFILE_DOCS[p].summary}`).join('\n')
}

export async function main(args: string[]): Promise<number> {
  const parser = yargs(args)
    .scriptName('lmsload backend')
    // A repeated flag takes its last value, as in most CLIs, instead of becoming an array.
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .usage('$0 <command> [options]\n\nThe bundled reference LMS: a believable e-learning API to load-test, with switchable bottlenecks.')
    .command('seed', 'fill an empty database with deterministic demo data', (y) => withCommon(y)
      .option('learners', numeric('learners', 'learner accounts', SEED_DEFAULTS.learners, 1, 10_000_000))
      .option('courses', numeric('courses', 'courses (lessons, quizzes, assignments each)', SEED_DEFAULTS.courses, 1, 100_000))
      .option('seed', numeric('seed', 'random seed: same seed, same data', SEED_DEFAULTS.seed, 0, 2 ** 32 - 1))
      .option('reset', { type: 'boolean', default: false, describe: 'replace an existing database (kept under backups/)' })
      .option('scrypt-log-n', numeric('scrypt-log-n', 'password hash cost of the demo accounts', DEFAULTS.scryptLogN, 1, 20)),
    (argv) => seedCommand(argv as never))
    .command('start', 'serve the LMS API (seeds demo data on first start)', (y) => {
      let s = withCommon(y)
        .option('host', { type: 'string', default: DEFAULTS.host, describe: 'address to listen on' })
        .option('port', numeric('port', 'port to listen on (0: any free port)', DEFAULTS.port, 0, 65535))
        .option('workers', numeric('workers', 'processes behind one port (node:cluster)', DEFAULTS.workers, 1, 64))
        .option('profile', { type: 'string', default: DEFAULTS.profile, choices: PROFILE_NAMES, describe: 'bottleneck profile, one known cause each' })
      for (const knob of KNOBS) {
        const describe = `${knob.describe} (default ${String(DEFAULTS[knob.key])})`
        s = knob.type === 'number'
          ? s.option(knob.flag, numeric(knob.flag, describe, undefined, knob.min ?? 0))
          : s.option(knob.flag, { type: 'string', describe, choices: knob.choices })
      }
      return s.epilogue(`Profiles:\n${profileHelp()}`)
    }, (argv) => startCommand(argv as unknown as StartArgs))
    .command('backup', 'take an online backup (safe under load) with a checksum manifest', (y) => withCommon(y)
      .option('to', { type: 'string', demandOption: true, describe: 'backup file to create (never overwritten)' }),
    (argv) => backupCommand(argv as never))
    .command('restore', 'verify a backup and restore it (the replaced database is kept)', (y) => withCommon(y)
      .option('from', { type: 'string', demandOption: true, describe: 'backup file (its .manifest.json must sit beside it)' })
      .option('verify-only', { type: 'boolean', default: false, describe: 'check the backup and stop' }),
    (argv) => restoreCommand(argv as never))
    .command('verify-writes', `check that acknowledged writes survived (a DR drill's recovery point); kinds: ${VERIFIABLE_KINDS.join(', ')}`, (y) => withCommon(y)
      .option('writes', { type: 'string', demandOption: true, describe: 'NDJSON of acknowledged writes: {"kind","key","value","t"} per line' }),
    (argv) => verifyWritesCommand(argv as never))
    .demandCommand(1, 'name a command: seed, start, backup, restore or verify-writes')
    .strict()
    .help()
    .version(false)
    .fail((message, error) => {
      // yargs wraps errors thrown while coercing options in its own YError.
      if (error && error.name !== 'YError') throw error
      throw new UsageError((error?.message ?? message).replace(/\s*\n\s*/g, ' '))
    })
  try {
    await parser.parseAsync()
    return 0
  } catch (error) {
    if (error instanceof UsageError || error instanceof BackupError) {
      console.error(`lmsload backend: ${error.message}`)
      return 1
    }
    const e = error as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'ECONNREFUSED' || e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
      console.error(`lmsload backend: ${e.message}`)
      return 1
    }
    if (process.env.LMSLOAD_DEBUG) console.error(error)
    else console.error(`lmsload backend: unexpected failure: ${(error as Error).message} (set LMSLOAD_DEBUG=1 for the stack)`)
    return 1
  }
}

if (cluster.isPrimary && import.meta.main) {
  const code = await main(hideBin(process.argv))
  if (code !== 0) process.exit(code)
}
