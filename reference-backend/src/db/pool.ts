// One small interface for both databases: a pool of connections that run parameterised SQL.
// SQL is written once in PostgreSQL style ($1, $2, …); sql.ts adapts it per dialect.

export type Dialect = 'sqlite' | 'postgres'

export interface RunResult {
  changes: number
}

export interface Connection {
  all<R>(sql: string, params: readonly unknown[]): Promise<R[]>
  run(sql: string, params: readonly unknown[]): Promise<RunResult>
  exec(sql: string): Promise<void>
}

export interface PooledConnection extends Connection {
  release(): void
  /** How long the last statement ran inside the database, when the driver can tell (SQLite's thread). */
  takeExecMs?(): number | undefined
}

export interface PoolStats {
  size: number
  inUse: number
  waiting: number
}

export interface Pool {
  readonly dialect: Dialect
  readonly size: number
  acquire(): Promise<PooledConnection>
  stats(): PoolStats
  close(): Promise<void>
}

/** A failure the HTTP layer maps to a status: uniqueness (409), busy or pool exhausted (503). */
export class DbError extends Error {
  readonly kind: 'unique' | 'busy' | 'pool-timeout' | 'other'
  constructor(kind: DbError['kind'], message: string) {
    super(message)
    this.name = 'DbError'
    this.kind = kind
  }
}
