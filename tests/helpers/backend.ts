// Real reference backends for tests: seeded SQLite files or PostgreSQL databases (cloned from a
// seeded template), served in-process on 127.0.0.1:0 or spawned as the real CLI process.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, inject } from 'vitest'
import { DEFAULTS, type BackendConfig } from '../../reference-backend/src/config.ts'
import { DirectPg, DirectSqlite, sqliteFile } from '../../reference-backend/src/db/direct.ts'
import { seedDatabase } from '../../reference-backend/src/seed/seed.ts'
import type { SeedOptions } from '../../reference-backend/src/seed/generate.ts'
import { prepareDatabase, serve } from '../../reference-backend/src/server.ts'
import { ApiClient } from './api.ts'

export type Engine = 'sqlite' | 'postgres'
export const ENGINES: readonly Engine[] = ['sqlite', 'postgres']

/** Small enough to seed in a fraction of a second, big enough for every role and relation. */
export const SMALL_SEED: SeedOptions = { learners: 60, courses: 4, seed: 7 }
/** Password hashing cost for seeded test accounts: cheap, so tests spend their time elsewhere. */
export const TEST_SCRYPT_LOG_N = 4

const BACKEND_CLI = fileURLToPath(new URL('../../reference-backend/src/cli.ts', import.meta.url))

export interface TestDatabase {
  engine: Engine
  dataDir: string
  databaseUrl: string | undefined
  drop(): Promise<void>
}

// Templates are reused across runs only while the code that builds them is unchanged.
const SEED_CODE_VERSION = createHash('sha256')
  .update(['seed/generate.ts', 'seed/seed.ts', 'db/schema.ts'].map((f) => readFileSync(new URL(`../../reference-backend/src/${f}`, import.meta.url))).join('\0'))
  .digest('hex').slice(0, 10)

function seedKey(seed: SeedOptions): string {
  return `l${seed.learners}_c${seed.courses}_s${seed.seed}_${SEED_CODE_VERSION}`
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

async function adminQuery(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') })
  await client.connect()
  try {
    return await client.query(sql, params)
  } finally {
    await client.end()
  }
}

const templateRoot = path.join(tmpdir(), 'lmsload-test-templates')

async function sqliteTemplate(seed: SeedOptions): Promise<string> {
  const dir = path.join(templateRoot, `sqlite-${seedKey(seed)}`)
  const file = sqliteFile(dir)
  if (!existsSync(file)) {
    const building = `${dir}.building-${process.pid}`
    mkdirSync(building, { recursive: true })
    const conn = new DirectSqlite(sqliteFile(building))
    await seedDatabase(conn, seed, TEST_SCRYPT_LOG_N)
    await conn.close()
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(path.dirname(dir), { recursive: true })
    // Rename is atomic: a concurrent reader sees no template or a whole one.
    renameSync(building, dir)
  }
  return file
}

async function postgresTemplate(seed: SeedOptions): Promise<string> {
  const name = `lmsload_tpl_${seedKey(seed)}`
  const exists = await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name])
  if (exists.rowCount === 0) {
    const building = `${name}_b${process.pid}`
    await adminQuery(`CREATE DATABASE ${building}`)
    const conn = await DirectPg.connect(withDatabase(inject('pgAdminUrl'), building))
    await seedDatabase(conn, seed, TEST_SCRYPT_LOG_N)
    await conn.close()
    await adminQuery(`ALTER DATABASE ${building} RENAME TO ${name}`)
  }
  return name
}

/** A fresh, seeded database of its own: a copied SQLite file or a PostgreSQL clone. */
/** `dir`: where the data directory goes (default the OS temp dir; /dev/shm keeps disk stalls out). */
export async function seededDatabase(engine: Engine, seed: SeedOptions = SMALL_SEED, options: { dir?: string } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(options.dir ?? tmpdir(), 'lmsload-backend-'))
  if (engine === 'sqlite') {
    copyFileSync(await sqliteTemplate(seed), sqliteFile(dataDir))
    return { engine, dataDir, databaseUrl: undefined, drop: async () => rmSync(dataDir, { recursive: true, force: true }) }
  }
  const template = await postgresTemplate(seed)
  const name = `lmsload_t_${randomBytes(6).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  return {
    engine,
    dataDir,
    databaseUrl: withDatabase(inject('pgAdminUrl'), name),
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true })
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

/** An empty database (no schema) for seeding tests. */
export async function emptyDatabase(engine: Engine): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lmsload-backend-'))
  if (engine === 'sqlite') return { engine, dataDir, databaseUrl: undefined, drop: async () => rmSync(dataDir, { recursive: true, force: true }) }
  const name = `lmsload_e_${randomBytes(6).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name}`)
  return {
    engine, dataDir, databaseUrl: withDatabase(inject('pgAdminUrl'), name),
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true })
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

export interface TestBackend {
  url: string
  routes: string[]
  api: ApiClient
  config: BackendConfig
  close(): Promise<void>
}

export function testConfig(db: TestDatabase, overrides: Partial<BackendConfig> = {}): BackendConfig {
  return {
    ...DEFAULTS, dataDir: db.dataDir, databaseUrl: db.databaseUrl, port: 0, logLevel: 'silent',
    scryptLogN: TEST_SCRYPT_LOG_N, loginRateLimitPerMinute: 10_000, ...overrides,
  }
}

/** Serves the backend in this process on an ephemeral loopback port. */
export async function startBackend(db: TestDatabase, overrides: Partial<BackendConfig> = {}): Promise<TestBackend> {
  const config = testConfig(db, overrides)
  await prepareDatabase(config, false)
  const server = await serve(config)
  return { url: server.url, routes: server.routes, api: new ApiClient(server.url), config, close: () => server.close() }
}

export interface SpawnedBackend {
  url: string
  api: ApiClient
  child: ChildProcess
  output(): string
  /** Resolves with the exit code (or signal) once the process has gone. */
  exited: Promise<number | string>
  stop(signal?: NodeJS.Signals): Promise<number | string>
}

/** Runs `lmsload backend start` as a real process and waits until it listens. */
export async function spawnBackend(db: TestDatabase, args: string[] = []): Promise<SpawnedBackend> {
  const base = ['start', '--data-dir', db.dataDir, '--port', '0', '--log-level', 'silent', '--login-rate-limit', '10000']
  if (db.databaseUrl) base.push('--database-url', db.databaseUrl)
  const child = spawn(process.execPath, [BACKEND_CLI, ...base, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start within 60 s:\n${output}`)), 60_000)
    const onData = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`backend exited (${code}) before listening:\n${output}`)) })
  })
  return {
    url, api: new ApiClient(url), child, output: () => output, exited,
    stop: (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/**
 * A seeded SQLite database and a spawned backend for the enclosing suite (beforeAll/afterAll):
 * read `.backend` inside tests, once beforeAll has run.
 */
export function backendForSuite(args: string[] = []): { readonly backend: SpawnedBackend } {
  let db: TestDatabase | undefined
  let backend: SpawnedBackend | undefined
  beforeAll(async () => {
    db = await seededDatabase('sqlite')
    backend = await spawnBackend(db, args)
  })
  afterAll(async () => {
    await backend?.stop()
    await db?.drop()
  })
  return {
    get backend(): SpawnedBackend {
      if (!backend) throw new Error('the backend is started in beforeAll: read it inside a test')
      return backend
    },
  }
}
