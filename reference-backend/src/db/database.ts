import { performance } from 'node:perf_hooks'
import type { Connection, Dialect, Pool, PooledConnection } from './pool.ts'
import { Mutex } from './mutex.ts'

/** What one request spent in the database; feeds Server-Timing and per-request metrics. */
export interface DbTiming {
  queries: number
  dbMs: number
  poolWaitMs: number
  lockWaitMs: number
}

export function newDbTiming(): DbTiming {
  return { queries: 0, dbMs: 0, poolWaitMs: 0, lockWaitMs: 0 }
}

/** Metric hooks, labelled by the route that issued the work. */
export interface DbObserver {
  query(route: string, seconds: number): void
  poolWait(seconds: number): void
  lockWait(route: string, seconds: number): void
}

export interface Queryable {
  all<R>(sql: string, params?: readonly unknown[]): Promise<R[]>
  one<R>(sql: string, params?: readonly unknown[]): Promise<R | undefined>
  run(sql: string, params?: readonly unknown[]): Promise<number>
}

export interface Tx extends Queryable {
  /** A statement expected to wait for a row lock (PostgreSQL); its time counts as lock wait. */
  lock(sql: string, params?: readonly unknown[]): Promise<number>
}

const NO_PARAMS: readonly unknown[] = []

export class Database {
  readonly pool: Pool
  readonly dialect: Dialect
  readonly observer: DbObserver
  // SQLite allows one writer: in-process writers queue here (FIFO, no busy-sleep) for a connection
  // of their own, as a SQLite deployment keeps one writer connection beside its readers; busy_timeout
  // then only arbitrates between cluster processes. Before, writers took the mutex and then waited
  // for a pool connection that readers held, so read floods showed up as lock wait.
  readonly writer: { mutex: Mutex; pool: Pool } | undefined

  /** `writerPool`: SQLite's one writer connection (required for SQLite, unused for PostgreSQL). */
  constructor(pool: Pool, observer: DbObserver, writerPool?: Pool) {
    this.pool = pool
    this.dialect = pool.dialect
    this.observer = observer
    if (pool.dialect === 'sqlite' && !writerPool) throw new Error('SQLite needs its writer connection')
    this.writer = pool.dialect === 'sqlite' ? { mutex: new Mutex(), pool: writerPool! } : undefined
  }

  session(route: string, timing: DbTiming): Session {
    return new Session(this, route, timing)
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.writer?.pool.close()])
  }
}

export class Session implements Queryable {
  private readonly db: Database
  private readonly route: string
  readonly timing: DbTiming

  constructor(db: Database, route: string, timing: DbTiming) {
    this.db = db
    this.route = route
    this.timing = timing
  }

  private async acquire(): Promise<PooledConnection> {
    const start = performance.now()
    const conn = await this.db.pool.acquire()
    const waitedMs = performance.now() - start
    this.timing.poolWaitMs += waitedMs
    this.db.observer.poolWait(waitedMs / 1000)
    return conn
  }

  /** Times one statement: its time inside the database when the connection reports it, else the round trip. */
  async timed<T>(work: () => Promise<T>, isLockWait = false, conn?: PooledConnection): Promise<T> {
    const start = performance.now()
    try {
      return await work()
    } finally {
      const ms = conn?.takeExecMs?.() ?? performance.now() - start
      this.timing.queries++
      this.db.observer.query(this.route, ms / 1000)
      // A statement that waits for a lock counts as lock time, not query time: the two add up.
      if (isLockWait) this.recordLockWait(ms)
      else this.timing.dbMs += ms
    }
  }

  recordLockWait(ms: number): void {
    this.timing.lockWaitMs += ms
    this.db.observer.lockWait(this.route, ms / 1000)
  }

  async all<R>(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<R[]> {
    const conn = await this.acquire()
    try {
      return await this.timed(() => conn.all<R>(sql, params), false, conn)
    } finally {
      conn.release()
    }
  }

  async one<R>(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<R | undefined> {
    const rows = await this.all<R>(sql, params)
    return rows[0]
  }

  /** A single-statement write (autocommit). */
  async run(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<number> {
    if (this.db.writer) return this.tx((t) => t.run(sql, params))
    const conn = await this.acquire()
    try {
      const result = await this.timed(() => conn.run(sql, params), false, conn)
      return result.changes
    } finally {
      conn.release()
    }
  }

  /** Runs `work` in a transaction: SQLite takes the write lock up front (BEGIN IMMEDIATE). */
  async tx<T>(work: (t: Tx) => Promise<T>): Promise<T> {
    const writer = this.db.writer
    if (writer) {
      const start = performance.now()
      await writer.mutex.acquire()
      this.recordLockWait(performance.now() - start)
    }
    let conn: PooledConnection | undefined
    try {
      // The writer connection is free whenever the mutex is held: no pool wait inside the lock.
      conn = writer ? await writer.pool.acquire() : await this.acquire()
      const c = conn
      await this.timed(() => c.exec(writer ? 'BEGIN IMMEDIATE' : 'BEGIN'), writer !== undefined, c)
      const t = new TxSession(this, c)
      try {
        const result = await work(t)
        await this.timed(() => c.exec('COMMIT'), false, c)
        return result
      } catch (error) {
        await c.exec('ROLLBACK').catch(() => {})
        throw error
      }
    } finally {
      conn?.release()
      writer?.mutex.release()
    }
  }
}

class TxSession implements Tx {
  private readonly session: Session
  private readonly conn: PooledConnection

  constructor(session: Session, conn: PooledConnection) {
    this.session = session
    this.conn = conn
  }

  all<R>(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<R[]> {
    return this.session.timed(() => this.conn.all<R>(sql, params), false, this.conn)
  }

  async one<R>(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<R | undefined> {
    const rows = await this.all<R>(sql, params)
    return rows[0]
  }

  async run(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<number> {
    const result = await this.session.timed(() => this.conn.run(sql, params), false, this.conn)
    return result.changes
  }

  async lock(sql: string, params: readonly unknown[] = NO_PARAMS): Promise<number> {
    const result = await this.session.timed(() => this.conn.run(sql, params), true, this.conn)
    return result.changes
  }
}
