import { DatabaseSync, type SQLInputValue } from 'node:sqlite'
import pg from 'pg'
import type { Connection, Dialect, RunResult } from './pool.ts'
import { toPostgres, toSqlite } from './sql.ts'
import './pg-pool.ts' // installs pg's number parsers

/** A single connection for start-up work (migrations, seeding, backup), outside the pool. */
export interface DirectConnection extends Connection {
  readonly dialect: Dialect
  close(): Promise<void>
}

export function sqliteFile(dataDir: string): string {
  return `${dataDir}/lms.sqlite`
}

export class DirectSqlite implements DirectConnection {
  readonly dialect = 'sqlite' as const
  readonly db: DatabaseSync

  constructor(file: string, synchronous: 'normal' | 'full' = 'normal') {
    this.db = new DatabaseSync(file, { timeout: 10_000 })
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${synchronous.toUpperCase()}; PRAGMA foreign_keys = ON;`)
  }

  async all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    const [text, values] = toSqlite(sql, params)
    return this.db.prepare(text).all(...(values as SQLInputValue[])) as R[]
  }

  async run(sql: string, params: readonly unknown[]): Promise<RunResult> {
    const [text, values] = toSqlite(sql, params)
    return { changes: Number(this.db.prepare(text).run(...(values as SQLInputValue[])).changes) }
  }

  async exec(sql: string): Promise<void> {
    this.db.exec(sql)
  }

  async close(): Promise<void> {
    this.db.close()
  }
}

export class DirectPg implements DirectConnection {
  readonly dialect = 'postgres' as const
  readonly client: pg.Client

  private constructor(client: pg.Client) {
    this.client = client
  }

  static async connect(connectionString: string): Promise<DirectPg> {
    const client = new pg.Client({ connectionString })
    await client.connect()
    return new DirectPg(client)
  }

  async all<R>(sql: string, params: readonly unknown[]): Promise<R[]> {
    return (await this.client.query(toPostgres(sql), params as unknown[])).rows as R[]
  }

  async run(sql: string, params: readonly unknown[]): Promise<RunResult> {
    return { changes: (await this.client.query(toPostgres(sql), params as unknown[])).rowCount ?? 0 }
  }

  async exec(sql: string): Promise<void> {
    await this.client.query(sql)
  }

  async close(): Promise<void> {
    await this.client.end()
  }
}

export async function openDirect(dataDir: string, databaseUrl: string | undefined): Promise<DirectConnection> {
  return databaseUrl ? DirectPg.connect(databaseUrl) : new DirectSqlite(sqliteFile(dataDir))
}
