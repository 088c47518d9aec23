// One SQLite connection per worker thread: queries leave the event loop as they would with a
// database server, so a pool of these behaves like a real connection pool (waits, contention).
import { parentPort, workerData } from 'node:worker_threads'
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite'

export interface SqliteWorkerInit {
  path: string
  synchronous: 'normal' | 'full'
  busyTimeoutMs: number
}

export const OP_ALL = 0
export const OP_RUN = 1
export const OP_EXEC = 2

const SQLITE_BUSY = 5
const SQLITE_LOCKED = 6
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555
const SQLITE_CONSTRAINT_UNIQUE = 2067

type Request = [id: number, op: number, sql: string, params: unknown[] | null]

function errorKind(errcode: number | undefined): 'unique' | 'busy' | 'other' {
  if (errcode === SQLITE_CONSTRAINT_UNIQUE || errcode === SQLITE_CONSTRAINT_PRIMARYKEY) return 'unique'
  const primary = (errcode ?? 0) & 0xff
  return primary === SQLITE_BUSY || primary === SQLITE_LOCKED ? 'busy' : 'other'
}

function bindable(params: unknown[]): SQLInputValue[] {
  for (let i = 0; i < params.length; i++) {
    const v = params[i]
    if (v === undefined) params[i] = null
    else if (typeof v === 'boolean') params[i] = v ? 1 : 0
  }
  return params as SQLInputValue[]
}

function serve(init: SqliteWorkerInit): void {
  const db = new DatabaseSync(init.path, { timeout: init.busyTimeoutMs })
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${init.synchronous.toUpperCase()}; PRAGMA foreign_keys = ON;`)
  const statements = new Map<string, StatementSync>()
  const port = parentPort!

  port.on('message', (msg: Request) => {
    const [id, op, sql, params] = msg
    // When the statement finished, on the clock all threads share (timeOrigin + now): the main
    // thread counts database time from sending to this moment, not to when its busy event loop
    // got round to the reply — that wait is queueing, not the database.
    const done = () => performance.timeOrigin + performance.now()
    try {
      if (op === OP_EXEC) {
        db.exec(sql)
        port.postMessage([id, 1, null, done()])
        return
      }
      let stmt = statements.get(sql)
      if (stmt === undefined) {
        stmt = db.prepare(sql)
        statements.set(sql, stmt)
      }
      const args = params === null ? [] : bindable(params)
      const result = op === OP_ALL ? stmt.all(...args) : { changes: Number(stmt.run(...args).changes) }
      port.postMessage([id, 1, result, done()])
    } catch (error) {
      const e = error as { errcode?: number; message: string }
      port.postMessage([id, 0, { kind: errorKind(e.errcode), message: e.message }])
    }
  })
}

if (parentPort) serve(workerData as SqliteWorkerInit)
