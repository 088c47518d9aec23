import { readFileSync } from 'node:fs'
import { stripTypeScriptTypes } from 'node:module'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { DbError, type Pool, type PooledConnection, type PoolStats, type RunResult } from './pool.ts'
import { OP_ALL, OP_EXEC, OP_RUN, type SqliteWorkerInit } from './sqlite-worker.ts'
import { toSqlite } from './sql.ts'

const WORKER = new URL(`./sqlite-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url)
let workerSource: URL | undefined

/**
 * The connection thread's module as a Worker can load it without stripping TypeScript itself.
 * From sources (a checkout), Node would strip sqlite-worker.ts in every connection thread with
 * Amaro's WebAssembly, which V8 shares between isolates and which crashed Node 24.21 with several
 * isolates at it (a clean-clone CI run, 2026-12-05; src/engine/typescript-threads.ts does the same for load workers).
 * So this thread strips it once and the threads run it from a data: URL (it imports only node:
 * modules). The compiled package runs the .js file as it is.
 */
function connectionModule(): URL {
  if (!WORKER.pathname.endsWith('.ts')) return WORKER
  if (!workerSource) {
    const emit = process.emitWarning
    // Its first call warns that stripTypeScriptTypes is experimental: not news for the backend's log.
    process.emitWarning = (() => {}) as typeof process.emitWarning
    try {
      const js = stripTypeScriptTypes(readFileSync(fileURLToPath(WORKER), 'utf8'), { mode: 'strip', sourceUrl: WORKER.href })
      workerSource = new URL(`data:text/javascript,${encodeURIComponent(js)}`)
    } finally {
      process.emitWarning = emit
    }
  }
  return workerSource
}

interface Pending {
  resolve(value: unknown): void
  reject(error: Error): void
  /** When the statement was sent (timeOrigin + now, comparable across threads). */
  sentAt: number
}

class SqliteConnection implements PooledConnection {
  private readonly worker: Worker
  private readonly pending = new Map<number, Pending>()
  private nextId = 0
  private readonly pool: SqlitePool
  private execMs: number | undefined

  constructor(pool: SqlitePool, init: SqliteWorkerInit) {
    this.pool = pool
    this.worker = new Worker(connectionModule(), { workerData: init })
    this.worker.on('message', (msg: [number, number, unknown, number?]) => {
      const waiter = this.pending.get(msg[0])
      if (!waiter) return
      this.pending.delete(msg[0])
      // Sending, the connection thread's queue and the statement itself; not the main thread's backlog.
      this.execMs = msg[3] === undefined ? undefined : Math.max(0, msg[3] - waiter.sentAt)
      if (msg[1] === 1) waiter.resolve(msg[2])
      else {
        const err = msg[2] as { kind: DbError['kind']; message: string }
        waiter.reject(new DbError(err.kind, err.message))
      }
    })
    this.worker.on('error', (error) => this.failAll(error))
    this.worker.on('exit', () => this.failAll(new DbError('other', 'SQLite connection thread exited')))
  }

  private failAll(error: Error): void {
    for (const waiter of this.pending.values()) waiter.reject(error)
    this.pending.clear()
  }

  private send(op: number, sql: string, params: readonly unknown[] | null): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, sentAt: performance.timeOrigin + performance.now() })
      this.worker.postMessage(op === OP_EXEC ? [id, op, sql, params] : [id, op, ...toSqlite(sql, params)])
    })
  }

  all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return this.send(OP_ALL, sql, params) as Promise<R[]>
  }

  run(sql: string, params: readonly unknown[]): Promise<RunResult> {
    return this.send(OP_RUN, sql, params) as Promise<RunResult>
  }

  async exec(sql: string): Promise<void> {
    await this.send(OP_EXEC, sql, null)
  }

  takeExecMs(): number | undefined {
    const ms = this.execMs
    this.execMs = undefined
    return ms
  }

  release(): void {
    this.pool.giveBack(this)
  }

  terminate(): Promise<number> {
    return this.worker.terminate()
  }
}

interface Waiter {
  resolve(conn: PooledConnection): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

/** A fixed pool of SQLite connection threads, FIFO waiters, acquire timeout. */
export class SqlitePool implements Pool {
  readonly dialect = 'sqlite' as const
  readonly size: number
  private readonly all: SqliteConnection[] = []
  private readonly idle: SqliteConnection[] = []
  private readonly waiters: Waiter[] = []
  private readonly acquireTimeoutMs: number

  constructor(init: SqliteWorkerInit, size: number, acquireTimeoutMs: number) {
    this.size = size
    this.acquireTimeoutMs = acquireTimeoutMs
    for (let i = 0; i < size; i++) {
      const conn = new SqliteConnection(this, init)
      this.all.push(conn)
      this.idle.push(conn)
    }
  }

  acquire(): Promise<PooledConnection> {
    const conn = this.idle.pop()
    if (conn) return Promise.resolve(conn)
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const at = this.waiters.indexOf(waiter)
          if (at >= 0) this.waiters.splice(at, 1)
          reject(new DbError('pool-timeout', `no database connection free within ${this.acquireTimeoutMs} ms`))
        }, this.acquireTimeoutMs),
      }
      this.waiters.push(waiter)
    })
  }

  giveBack(conn: SqliteConnection): void {
    const waiter = this.waiters.shift()
    if (waiter) {
      clearTimeout(waiter.timer)
      waiter.resolve(conn)
    } else {
      this.idle.push(conn)
    }
  }

  stats(): PoolStats {
    return { size: this.size, inUse: this.size - this.idle.length, waiting: this.waiters.length }
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((c) => c.terminate()))
  }
}
