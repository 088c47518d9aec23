import cluster from 'node:cluster'
import path from 'node:path'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import client from 'prom-client'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { EntityCache } from './cache.ts'
import { behaviourOf, type BackendConfig } from './config.ts'
import { Database } from './db/database.ts'
import { openDirect, sqliteFile } from './db/direct.ts'
import { PgPool } from './db/pg-pool.ts'
import type { Pool } from './db/pool.ts'
import { applyIndexes, migrate, schemaVersion } from './db/schema.ts'
import { SqlitePool } from './db/sqlite-pool.ts'
import type { Deps } from './deps.ts'
import { Metrics } from './metrics.ts'
import type { CatalogPage, CourseDetail } from './routes/course-data.ts'
import type { QuizQuestions } from './routes/quizzes.ts'
import { seedDatabase, userCount } from './seed/seed.ts'
import { SEED_DEFAULTS, type SeedSummary } from './seed/generate.ts'
import { Upstream } from './upstream.ts'

export interface RunningServer {
  url: string
  close(): Promise<void>
}

export interface PreparedDatabase {
  seeded: SeedSummary | undefined
  users: number
}

/**
 * Start-up work done once, before any worker serves: migrations, demo data on first use, and the
 * profile's index state (dropped for `no-index`, recreated otherwise).
 */
export async function prepareDatabase(config: BackendConfig, seedIfEmpty = true): Promise<PreparedDatabase> {
  await mkdir(config.dataDir, { recursive: true })
  const conn = await openDirect(config.dataDir, config.databaseUrl)
  try {
    let seeded: SeedSummary | undefined
    if (seedIfEmpty && (await userCount(conn)) === 0) seeded = await seedDatabase(conn, SEED_DEFAULTS, config.scryptLogN)
    await migrate(conn, conn.dialect)
    await applyIndexes(conn, conn.dialect, behaviourOf(config).dropIndexes)
    // Expired sessions are swept at start, as an LMS's cron would.
    await conn.run('DELETE FROM sessions WHERE expires_at < $1', [Date.now()])
    return { seeded, users: await userCount(conn) }
  } finally {
    await conn.close()
  }
}

function openPool(config: BackendConfig, size: number): Pool {
  if (config.databaseUrl) return new PgPool(config.databaseUrl, size, config.poolAcquireTimeoutMs)
  return new SqlitePool({ path: sqliteFile(config.dataDir), synchronous: config.sqliteSynchronous, busyTimeoutMs: 5000 }, size, config.poolAcquireTimeoutMs)
}

/** SQLite's one writer connection, beside the pool of readers (none for PostgreSQL). */
function openWriter(config: BackendConfig): Pool | undefined {
  if (config.databaseUrl) return undefined
  return new SqlitePool({ path: sqliteFile(config.dataDir), synchronous: config.sqliteSynchronous, busyTimeoutMs: 5000 }, 1, config.poolAcquireTimeoutMs)
}

async function readMediaSecret(db: Database): Promise<Buffer> {
  const row = await db.session('startup', { queries: 0, dbMs: 0, poolWaitMs: 0, lockWaitMs: 0 })
    .one<{ value: string }>("SELECT value FROM settings WHERE key = 'media_secret'")
  if (!row) throw new Error('settings.media_secret is missing: the database was not seeded by lmsload')
  return Buffer.from(row.value, 'base64url')
}

export interface ServeOptions {
  /** In a cluster worker, /metrics asks the primary for the aggregate of all workers. */
  clusterMetrics?: () => Promise<string>
}

/** Opens the pool and serves HTTP in this process. */
export async function serve(config: BackendConfig, options: ServeOptions = {}): Promise<RunningServer & { app: FastifyInstance; metrics: Metrics; routes: string[] }> {
  const behaviour = behaviourOf(config)
  const pool = openPool(config, behaviour.poolSize)
  let upstream: Upstream | undefined
  const metrics = new Metrics(pool, () => upstream?.state() ?? { inFlight: 0, queued: 0 })
  upstream = new Upstream(behaviour.upstreamLatencyMs, behaviour.upstreamConcurrency, config.upstreamTimeoutMs, metrics)
  const db = new Database(pool, metrics, openWriter(config))
  const cacheOptions = { enabled: behaviour.cacheEnabled, coalesce: behaviour.coalesceCacheMisses, maxEntries: config.cacheMaxEntries, ttlMs: config.cacheTtlMs }
  const deps: Deps = {
    config, behaviour, db, metrics, upstream,
    courseCache: new EntityCache<CourseDetail>('course', cacheOptions, metrics),
    catalogCache: new EntityCache<CatalogPage>('catalog', cacheOptions, metrics),
    questionCache: new EntityCache<QuizQuestions>('questions', cacheOptions, metrics),
    mediaSecret: await readMediaSecret(db),
    leaked: [],
  }
  const started = Date.now()
  const conn = await pool.acquire()
  const version = await schemaVersion(conn).finally(() => conn.release())
  const seedRow = await db.session('startup', { queries: 0, dbMs: 0, poolWaitMs: 0, lockWaitMs: 0 })
    .one<{ value: string }>("SELECT value FROM settings WHERE key = 'seed'")
  // What the demo data holds, so load scenarios can pick accounts that exist (learner1 … learnerN).
  const seeded = seedRow ? (JSON.parse(seedRow.value) as { learners: number; courses: number; seed: number }) : undefined
  const { app, routes } = await buildApp(deps, {
    metricsText: options.clusterMetrics ?? (() => metrics.registry.metrics()),
    health: async () => {
      await db.session('/healthz', { queries: 0, dbMs: 0, poolWaitMs: 0, lockWaitMs: 0 }).one('SELECT 1 AS ok')
      return {
        status: 'ok', engine: pool.dialect, profile: config.profile, schemaVersion: version, pid: process.pid,
        workers: config.workers, uptimeSec: Math.round((Date.now() - started) / 1000), seed: seeded,
      }
    },
  })
  const stampede = behaviour.stampedeIntervalMs > 0
    ? setInterval(() => deps.courseCache.clear(), behaviour.stampedeIntervalMs).unref()
    : undefined
  const address = await app.listen({ host: config.host, port: config.port })
  return {
    app,
    metrics,
    routes,
    url: address,
    async close() {
      if (stampede) clearInterval(stampede)
      await app.close()
      await db.close()
    },
  }
}

const METRICS_REQ = 'lmsload:metrics-req'
const METRICS_RES = 'lmsload:metrics-res'
const CONFIG_ENV = 'LMSLOAD_BACKEND_CONFIG'

/** Entry of a cluster worker: config from the primary, /metrics aggregated by the primary. */
export async function runClusterWorker(): Promise<void> {
  const config = JSON.parse(process.env[CONFIG_ENV] ?? '{}') as BackendConfig
  const pending = new Map<number, (text: string) => void>()
  let nextId = 0
  process.on('message', (msg: { type?: string; id?: number; text?: string }) => {
    if (msg?.type === METRICS_RES && msg.id !== undefined) {
      pending.get(msg.id)?.(msg.text ?? '')
      pending.delete(msg.id)
    }
  })
  const server = await serve(config, {
    clusterMetrics: () => new Promise((resolve) => {
      const id = nextId++
      pending.set(id, resolve)
      process.send!({ type: METRICS_REQ, id })
    }),
  })
  // Answer prom-client's cluster protocol with this worker's registry.
  new client.AggregatorRegistry()
  client.AggregatorRegistry.setRegistries([server.metrics.registry])
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
  // Ctrl-C reaches the whole process group; the primary orchestrates the shutdown.
  process.on('SIGINT', () => {})
}

/** Starts N workers behind one port (node:cluster round-robin), as LMS operators scale out. */
export async function runClusterPrimary(config: BackendConfig, onReady: (url: string) => void): Promise<() => Promise<void>> {
  const aggregator = new client.AggregatorRegistry()
  // Compiled (an installed package) the sibling is .js: the extension follows this file's own.
  cluster.setupPrimary({ exec: fileURLToPath(new URL(`./cluster-worker${path.extname(import.meta.url)}`, import.meta.url)), args: [] })
  let stopping = false
  let listening = 0
  const fork = () => cluster.fork({ [CONFIG_ENV]: JSON.stringify(config) })
  cluster.on('message', (worker, msg: { type?: string; id?: number }) => {
    if (msg?.type !== METRICS_REQ) return
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RES, id: msg.id, text }),
      (error: Error) => worker.send({ type: METRICS_RES, id: msg.id, text: `# aggregation failed: ${error.message}\n` }),
    )
  })
  cluster.on('listening', (_worker, address) => {
    listening++
    if (listening === config.workers) onReady(`http://${config.host}:${address.port}`)
  })
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    console.error(`lmsload backend: worker ${worker.process.pid} exited (${signal ?? code}); starting a replacement`)
    fork()
  })
  for (let i = 0; i < config.workers; i++) fork()
  return async () => {
    stopping = true
    await Promise.all(Object.values(cluster.workers ?? {}).map((w) => new Promise<void>((resolve) => {
      if (!w || w.isDead()) return resolve()
      w.once('exit', () => resolve())
      w.process.kill('SIGTERM')
    })))
  }
}

