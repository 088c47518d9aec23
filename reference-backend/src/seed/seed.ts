import { createHash, randomBytes } from 'node:crypto'
import type { SQLInputValue, StatementSync } from 'node:sqlite'
import type { DirectConnection, DirectPg, DirectSqlite } from '../db/direct.ts'
import { applyIndexes, migrate } from '../db/schema.ts'
import { hashPassword } from '../auth/passwords.ts'
import { COLUMNS, DEMO_PASSWORDS, generate, type PasswordHashes, type RowSink, type SeedOptions, type SeedSummary, type TableName } from './generate.ts'

export class AlreadySeededError extends Error {
  readonly users: number
  constructor(users: number) {
    super(`the database already holds ${users} users`)
    this.users = users
  }
}

/** Number of users, or 0 when the schema does not exist yet. */
export async function userCount(conn: DirectConnection): Promise<number> {
  try {
    const rows = await conn.all<{ n: number }>('SELECT count(*) AS n FROM users', [])
    return Number(rows[0]?.n ?? 0)
  } catch {
    return 0
  }
}

// Salts derive from the seed so the same seed gives the same password hashes; accounts created
// through the API get random salts.
async function demoHashes(seed: number, logN: number): Promise<PasswordHashes> {
  const salt = (role: string) => createHash('sha256').update(`lmsload-seed:${seed}:${role}`).digest().subarray(0, 16)
  const [learner, instructor, admin] = await Promise.all([
    hashPassword(DEMO_PASSWORDS.learner, logN, salt('learner')),
    hashPassword(DEMO_PASSWORDS.instructor, logN, salt('instructor')),
    hashPassword(DEMO_PASSWORDS.admin, logN, salt('admin')),
  ])
  return { learner, instructor, admin }
}

function insertSql(table: TableName, rows: number): string {
  const columns = COLUMNS[table]
  const tuples: string[] = []
  for (let r = 0; r < rows; r++) {
    tuples.push(`(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
  }
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`
}

class SqliteSink implements RowSink {
  private readonly statements = new Map<TableName, StatementSync>()
  private readonly conn: DirectSqlite
  constructor(conn: DirectSqlite) {
    this.conn = conn
  }
  add(table: TableName, row: unknown[]): void {
    let stmt = this.statements.get(table)
    if (!stmt) {
      // One row per statement, values in column order: plain anonymous parameters (see db/sql.ts).
      stmt = this.conn.db.prepare(insertSql(table, 1).replace(/\$(\d+)/g, '?'))
      this.statements.set(table, stmt)
    }
    stmt.run(...(row as SQLInputValue[]))
  }
}

const PG_BATCH_ROWS = 2000

class PgSink implements RowSink {
  private readonly buffers = new Map<TableName, unknown[][]>()
  private readonly conn: DirectPg
  constructor(conn: DirectPg) {
    this.conn = conn
  }
  add(table: TableName, row: unknown[]): Promise<void> | void {
    let buffer = this.buffers.get(table)
    if (!buffer) {
      buffer = []
      this.buffers.set(table, buffer)
    }
    buffer.push(row)
    if (buffer.length >= PG_BATCH_ROWS) return this.flushThrough(table)
  }
  /** Foreign keys are checked per statement: flush every parent table (earlier in COLUMNS) first. */
  async flushThrough(table: TableName): Promise<void> {
    for (const t of Object.keys(COLUMNS) as TableName[]) {
      await this.flush(t)
      if (t === table) return
    }
  }
  async flush(table: TableName): Promise<void> {
    const rows = this.buffers.get(table) ?? []
    if (rows.length === 0) return
    this.buffers.set(table, [])
    await this.conn.client.query(insertSql(table, rows.length), rows.flat())
  }
  async flushAll(): Promise<void> {
    await this.flushThrough('forum_posts')
  }
}

async function resetPgSequences(conn: DirectConnection): Promise<void> {
  for (const table of [...Object.keys(COLUMNS), 'submissions']) {
    await conn.exec(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), COALESCE((SELECT max(id) FROM ${table}), 0) + 1, false)`)
  }
}

/** Creates the schema and fills an empty database with demo data; indexes are built after the rows. */
export async function seedDatabase(conn: DirectConnection, options: SeedOptions, scryptLogN: number): Promise<SeedSummary> {
  const existing = await userCount(conn)
  if (existing > 0) throw new AlreadySeededError(existing)
  await migrate(conn, conn.dialect)
  const hashes = await demoHashes(options.seed, scryptLogN)
  await conn.exec('BEGIN')
  try {
    await conn.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['media_secret', randomBytes(32).toString('base64url')])
    await conn.run('INSERT INTO settings (key, value) VALUES ($1, $2)', ['seed', JSON.stringify(options)])
    let summary: SeedSummary
    if (conn.dialect === 'sqlite') {
      summary = await generate(options, hashes, new SqliteSink(conn as DirectSqlite))
    } else {
      const sink = new PgSink(conn as DirectPg)
      summary = await generate(options, hashes, sink)
      await sink.flushAll()
    }
    await conn.exec('COMMIT')
    await applyIndexes(conn, conn.dialect, false)
    if (conn.dialect === 'postgres') await resetPgSequences(conn)
    return summary
  } catch (error) {
    await conn.exec('ROLLBACK').catch(() => {})
    throw error
  }
}
