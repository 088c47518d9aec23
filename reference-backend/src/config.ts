import path from 'node:path'
import type { ProfileName } from './profiles.ts'

// Under the current directory, never beside the code: an installed copy lives in node_modules,
// which nothing may write to.
export const DEFAULT_DATA_DIR = path.join('.lmsload', 'backend')

export interface BackendConfig {
  host: string
  port: number
  dataDir: string
  /** PostgreSQL when set, SQLite under dataDir otherwise. */
  databaseUrl: string | undefined
  workers: number
  profile: ProfileName
  /** Database connections per process (SQLite: connection threads). */
  poolSize: number
  poolAcquireTimeoutMs: number
  sqliteSynchronous: 'normal' | 'full'
  bodyLimitBytes: number
  uploadLimitBytes: number
  /** log2 of scrypt's N for newly hashed passwords. */
  scryptLogN: number
  /** log2 of scrypt's N that `cpu-login` rehashes to on every login. */
  cpuLoginScryptLogN: number
  loginRateLimitPerMinute: number
  sessionTtlSec: number
  cacheMaxEntries: number
  cacheTtlMs: number
  upstreamLatencyMs: number
  upstreamConcurrency: number
  upstreamTimeoutMs: number
  slowUpstreamLatencyMs: number
  slowUpstreamConcurrency: number
  blockMs: number
  leakKbPerRequest: number
  lockHoldMs: number
  stampedeIntervalMs: number
  stampedeRebuildMs: number
  autosaveIntervalSec: number
  attemptGraceSec: number
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug'
}

export const DEFAULTS: BackendConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: DEFAULT_DATA_DIR,
  databaseUrl: undefined,
  workers: 1,
  profile: 'healthy',
  poolSize: 8,
  poolAcquireTimeoutMs: 10_000,
  sqliteSynchronous: 'normal',
  bodyLimitBytes: 64 * 1024,
  uploadLimitBytes: 20 * 1024 * 1024,
  scryptLogN: 13,
  cpuLoginScryptLogN: 15,
  loginRateLimitPerMinute: 20,
  sessionTtlSec: 8 * 3600,
  cacheMaxEntries: 5000,
  cacheTtlMs: 5 * 60_000,
  upstreamLatencyMs: 5,
  upstreamConcurrency: 64,
  upstreamTimeoutMs: 10_000,
  slowUpstreamLatencyMs: 300,
  slowUpstreamConcurrency: 8,
  blockMs: 20,
  leakKbPerRequest: 16,
  lockHoldMs: 25,
  stampedeIntervalMs: 3000,
  stampedeRebuildMs: 50,
  autosaveIntervalSec: 60,
  attemptGraceSec: 30,
  logLevel: 'warn',
}

/** What the running server does differently, derived once from the profile and knobs. */
export interface Behaviour {
  dropIndexes: boolean
  poolSize: number
  syncLoginHash: boolean
  blockMs: number
  dashboardNPlusOne: boolean
  cacheEnabled: boolean
  coalesceCacheMisses: boolean
  stampedeIntervalMs: number
  /** Database time a course page's rebuild takes (a large course); 0: the page as it is. */
  courseRebuildMs: number
  upstreamLatencyMs: number
  upstreamConcurrency: number
  leakBytesPerRequest: number
  lockHoldMs: number
}

const SMALL_POOL = { postgres: 1, sqlite: 1 }

export function behaviourOf(config: BackendConfig): Behaviour {
  const p = config.profile
  const isPostgres = config.databaseUrl !== undefined
  const slow = p === 'slow-upstream'
  return {
    dropIndexes: p === 'no-index',
    poolSize: p === 'small-pool' ? (isPostgres ? SMALL_POOL.postgres : SMALL_POOL.sqlite) : config.poolSize,
    syncLoginHash: p === 'cpu-login',
    blockMs: p === 'event-loop-block' ? config.blockMs : 0,
    dashboardNPlusOne: p === 'n-plus-one',
    cacheEnabled: p !== 'no-cache',
    coalesceCacheMisses: p !== 'cache-stampede',
    stampedeIntervalMs: p === 'cache-stampede' ? config.stampedeIntervalMs : 0,
    courseRebuildMs: p === 'cache-stampede' ? config.stampedeRebuildMs : 0,
    upstreamLatencyMs: slow ? config.slowUpstreamLatencyMs : config.upstreamLatencyMs,
    upstreamConcurrency: slow ? config.slowUpstreamConcurrency : config.upstreamConcurrency,
    leakBytesPerRequest: p === 'memory-leak' ? config.leakKbPerRequest * 1024 : 0,
    lockHoldMs: p === 'write-lock' ? config.lockHoldMs : 0,
  }
}
