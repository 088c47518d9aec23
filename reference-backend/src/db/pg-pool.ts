import pg from 'pg'
import { DbError, type Pool, type PooledConnection, type PoolStats, type RunResult } from './pool.ts'
import { toPostgres } from './sql.ts'

// pg returns int8 (count(*), bigint ids, ms timestamps) and numeric (avg) as strings; every value
// this schema stores fits a double, so parse them as numbers like SQLite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10))
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v))

const PG_UNIQUE_VIOLATION = '23505'
const PG_LOCK_NOT_AVAILABLE = '55P03'
const PG_DEADLOCK = '40P01'
const PG_SERIALIZATION = '40001'

function mapError(error: unknown): Error {
  const e = error as { code?: string; message?: string }
  if (e.code === PG_UNIQUE_VIOLATION) return new DbError('unique', e.message ?? 'unique violation')
  if (e.code === PG_LOCK_NOT_AVAILABLE || e.code === PG_DEADLOCK || e.code === PG_SERIALIZATION) {
    return new DbError('busy', e.message ?? 'lock not available')
  }
  return error instanceof Error ? error : new Error(String(error))
}

class PgConnection implements PooledConnection {
  private readonly client: pg.PoolClient
  constructor(client: pg.PoolClient) {
    this.client = client
  }

  async all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    try {
      const result = await this.client.query(toPostgres(sql), params as unknown[])
      return result.rows as R[]
    } catch (error) {
      throw mapError(error)
    }
  }

  async run(sql: string, params: readonly unknown[]): Promise<RunResult> {
    try {
      const result = await this.client.query(toPostgres(sql), params as unknown[])
      return { changes: result.rowCount ?? 0 }
    } catch (error) {
      throw mapError(error)
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.client.query(sql)
    } catch (error) {
      throw mapError(error)
    }
  }

  release(): void {
    this.client.release()
  }
}

export class PgPool implements Pool {
  readonly dialect = 'postgres' as const
  readonly size: number
  private readonly pool: pg.Pool

  constructor(connectionString: string, size: number, acquireTimeoutMs: number) {
    this.size = size
    this.pool = new pg.Pool({ connectionString, max: size, connectionTimeoutMillis: acquireTimeoutMs })
    // An idle client that errors (server restart) must not crash the process; pg removes it.
    this.pool.on('error', () => {})
  }

  async acquire(): Promise<PooledConnection> {
    try {
      return new PgConnection(await this.pool.connect())
    } catch (error) {
      const message = (error as Error).message
      if (/timeout/i.test(message)) throw new DbError('pool-timeout', `no database connection free: ${message}`)
      throw mapError(error)
    }
  }

  stats(): PoolStats {
    return { size: this.size, inUse: this.pool.totalCount - this.pool.idleCount, waiting: this.pool.waitingCount }
  }

  async close(): Promise<void> {
    await this.pool.end()
  }
}
