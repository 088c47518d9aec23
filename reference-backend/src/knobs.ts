import type { BackendConfig } from './config.ts'

// Every tunable of `lmsload backend start`: flag, config field, type, help. The README's knob
// table and the CLI are both generated from this list.
export interface Knob {
  flag: string
  key: keyof BackendConfig
  type: 'number' | 'string'
  describe: string
  choices?: readonly string[]
  min?: number
}

export const KNOBS: readonly Knob[] = [
  { flag: 'pool-size', key: 'poolSize', type: 'number', min: 1, describe: 'database connections per process (SQLite: connection threads)' },
  { flag: 'pool-acquire-timeout-ms', key: 'poolAcquireTimeoutMs', type: 'number', min: 1, describe: 'give up on a free connection after this long (503)' },
  { flag: 'sqlite-synchronous', key: 'sqliteSynchronous', type: 'string', choices: ['normal', 'full'], describe: 'SQLite synchronous mode: normal survives process crashes, full also power loss' },
  { flag: 'body-limit-bytes', key: 'bodyLimitBytes', type: 'number', min: 1, describe: 'largest JSON body accepted (413 beyond)' },
  { flag: 'upload-limit-bytes', key: 'uploadLimitBytes', type: 'number', min: 1, describe: 'largest assignment upload accepted (413 beyond)' },
  { flag: 'scrypt-log-n', key: 'scryptLogN', type: 'number', min: 1, describe: 'log2 of scrypt N for password hashes (13 ≈ 16 ms per login)' },
  { flag: 'cpu-login-scrypt-log-n', key: 'cpuLoginScryptLogN', type: 'number', min: 1, describe: 'cost cpu-login rehashes to, synchronously' },
  { flag: 'login-rate-limit', key: 'loginRateLimitPerMinute', type: 'number', min: 1, describe: 'login attempts per username per minute (429 beyond)' },
  { flag: 'session-ttl-s', key: 'sessionTtlSec', type: 'number', min: 1, describe: 'bearer session lifetime' },
  { flag: 'cache-max-entries', key: 'cacheMaxEntries', type: 'number', min: 1, describe: 'LRU size of the course and catalog caches' },
  { flag: 'cache-ttl-ms', key: 'cacheTtlMs', type: 'number', min: 1, describe: 'lifetime of a cached course or catalog page' },
  { flag: 'upstream-latency-ms', key: 'upstreamLatencyMs', type: 'number', min: 0, describe: 'latency of the proctoring/plagiarism upstream' },
  { flag: 'upstream-concurrency', key: 'upstreamConcurrency', type: 'number', min: 1, describe: 'concurrent upstream calls before they queue' },
  { flag: 'upstream-timeout-ms', key: 'upstreamTimeoutMs', type: 'number', min: 1, describe: 'queueing for the upstream beyond this fails with 504' },
  { flag: 'slow-upstream-latency-ms', key: 'slowUpstreamLatencyMs', type: 'number', min: 0, describe: 'upstream latency under slow-upstream' },
  { flag: 'slow-upstream-concurrency', key: 'slowUpstreamConcurrency', type: 'number', min: 1, describe: 'upstream concurrency under slow-upstream' },
  { flag: 'block-ms', key: 'blockMs', type: 'number', min: 1, describe: 'synchronous CPU per start-attempt under event-loop-block' },
  { flag: 'leak-kb', key: 'leakKbPerRequest', type: 'number', min: 1, describe: 'memory retained per request under memory-leak' },
  { flag: 'lock-hold-ms', key: 'lockHoldMs', type: 'number', min: 1, describe: 'time an answer transaction holds its lock under write-lock' },
  { flag: 'stampede-interval-ms', key: 'stampedeIntervalMs', type: 'number', min: 1, describe: 'course cache invalidation period under cache-stampede' },
  { flag: 'stampede-rebuild-ms', key: 'stampedeRebuildMs', type: 'number', min: 1, describe: 'database time a course page rebuild takes under cache-stampede (a large course)' },
  { flag: 'autosave-interval-s', key: 'autosaveIntervalSec', type: 'number', min: 1, describe: 'autosave period advertised to quiz clients' },
  { flag: 'attempt-grace-s', key: 'attemptGraceSec', type: 'number', min: 0, describe: 'grace after an attempt deadline during which submit is on time' },
  { flag: 'log-level', key: 'logLevel', type: 'string', choices: ['silent', 'error', 'warn', 'info', 'debug'], describe: 'server log level (info logs every request)' },
]
