// Data from the user: a file of accounts or ids (CSV or JSON), read once per thread when the
// scenario is defined and handed out to learners as a pure function of (learner id, seed) — never
// through a shared counter, so the hand-out does not depend on the number of workers or machines.
//
// The one file read in scenario/: a table is part of what the scenario says, and a journey must
// find its rows in memory, not read them on the hot path. Each load worker parses its own copy
// (docs/scenarios.md gives the measured cost); the rows are frozen plain objects. Not bundled into
// exported k6 scripts (the k6 runtime has its own `data`, which refuses).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'csv-parse/sync'
import { Rng } from '../core/rng.ts'
import { callerLocation, Fields } from './location.ts'
import type { Learner } from './types.ts'

/**
 * How rows are handed to learners: 'sequential' (learner n takes row n, wrapping around),
 * 'random' (a seeded draw per learner, rows repeat), 'unique' (learner n takes row n and no other
 * learner does; the run refuses to start when its plan has more learners than the file has rows).
 */
export type HandOut = 'sequential' | 'random' | 'unique'

export interface DataOptions {
  /** Default 'sequential'. */
  handOut?: HandOut
  /** Columns (CSV) or fields (JSON) every row must have. */
  columns?: readonly string[]
}

export interface DataTable<Row = Record<string, string>> {
  /** The file, as the scenario named it (relative to the scenario file). */
  readonly file: string
  /** Where the scenario called data.csv / data.json (file:line). */
  readonly definedAt: string
  readonly handOut: HandOut
  readonly rows: number
  /** Row `index` (0-based). */
  row(index: number): Row
  /** The row of this learner: a pure function of its id and the run's seed. */
  for(learner: Pick<Learner, 'id' | 'seed'>): Row
}

/** Every table defined in this thread, for the run's check of unique hand-outs. */
const defined: Array<DataTable<unknown>> = []

/** The tables defined in this thread so far (a process runs one scenario's module graph). */
export function dataTables(): ReadonlyArray<DataTable<unknown>> {
  return defined
}

const HAND_OUTS: readonly HandOut[] = ['sequential', 'random', 'unique']

/** The directory of the file that called data.csv/json: the table's file is relative to it. */
function callerDir(where: string): string {
  const file = where.replace(/:\d+$/, '')
  return path.dirname(path.resolve(file))
}

function readText(f: Fields, shown: string, full: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(full)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    f.fail(`cannot read ${shown} (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message})`)
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // The first line that is not UTF-8, for the message.
    let line = 1
    let start = 0
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i))
        } catch {
          break
        }
        line++
        start = i + 1
      }
    }
    return f.fail(`${shown}:${line}: not UTF-8 text (save the file as UTF-8)`)
  }
}

function makeTable<Row>(f: Fields, file: string, rows: readonly Row[], handOut: HandOut): DataTable<Row> {
  const n = rows.length
  const table: DataTable<Row> = {
    file, definedAt: f.where.replace(/: data\.(csv|json)$/, ''), handOut, rows: n,
    row: (index) => rows[index]!,
    for: (l) => {
      switch (handOut) {
        case 'sequential':
          return rows[l.id % n]!
        case 'random':
          // Its own random stream per learner: the learner's own (l.random) is left untouched.
          return rows[new Rng(l.seed ^ 0x0da7a7ab, l.id).int(n)]!
        case 'unique':
          if (l.id >= n) throw new Error(`${file}: learner ${l.id} has no row of its own (the file has ${n}; a unique hand-out needs one per learner)`)
          return rows[l.id]!
      }
    },
  }
  defined.push(table as DataTable<unknown>)
  return table
}

function options(f: Fields, o: DataOptions | undefined): { handOut: HandOut; columns: readonly string[] } {
  if (o !== undefined && (typeof o !== 'object' || o === null)) f.fail('options must be { handOut?, columns? }')
  f.known(o ?? {}, ['handOut', 'columns'])
  const handOut = o?.handOut ?? 'sequential'
  if (!HAND_OUTS.includes(handOut)) f.fail(`'handOut' must be one of ${HAND_OUTS.join(', ')}, got ${JSON.stringify(handOut)}`)
  const columns = o?.columns ?? []
  if (!Array.isArray(columns) || columns.some((c) => typeof c !== 'string')) f.fail("'columns' must be a list of column names")
  return { handOut, columns }
}

/**
 * A CSV file with a header row: each row an object of strings by column. `file` is relative to
 * the scenario file that names it.
 */
function csv<Row extends Record<string, string> = Record<string, string>>(file: string, o?: DataOptions): DataTable<Row> {
  const f: Fields = new Fields('data.csv', callerLocation())
  if (typeof file !== 'string' || file === '') f.fail('expected the path of a CSV file, relative to the scenario')
  const { handOut, columns } = options(f, o)
  const full = path.resolve(callerDir(f.where), file)
  const text = readText(f, file, full)
  let rows: Row[]
  try {
    rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Row[]
  } catch (error) {
    const e = error as Error & { code?: string; lines?: number }
    if (e.code === 'CSV_RECORD_INCONSISTENT_COLUMNS' || e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      f.fail(`${file}:${e.lines}: ${e.message.replace(/^Invalid Record Length: columns length is (\d+), got (\d+).*$/, '$2 fields where the header has $1')}`)
    }
    f.fail(`${file}:${e.lines ?? 1}: not CSV (${e.message.replace(/ at line \d+$| on line \d+$/, '')})`)
  }
  if (text.trim() === '') f.fail(`${file}: empty: a header row and at least one row are needed`)
  if (rows.length === 0) f.fail(`${file}: a header row but no rows`)
  const header = Object.keys(rows[0]!)
  for (const c of columns) if (!header.includes(c)) f.fail(`${file}:1: no column '${c}' (the header has: ${header.join(', ')})`)
  return makeTable(f, file, rows.map((r) => Object.freeze(r)), handOut)
}

/** A JSON file holding an array of objects (rows). `file` is relative to the scenario file that names it. */
function json<Row extends Record<string, unknown> = Record<string, unknown>>(file: string, o?: DataOptions): DataTable<Row> {
  const f: Fields = new Fields('data.json', callerLocation())
  if (typeof file !== 'string' || file === '') f.fail('expected the path of a JSON file, relative to the scenario')
  const { handOut, columns } = options(f, o)
  const text = readText(f, file, path.resolve(callerDir(f.where), file))
  if (text.trim() === '') f.fail(`${file}: empty: an array of rows is needed`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    f.fail(`${file}: not JSON (${(error as Error).message})`)
  }
  if (!Array.isArray(value)) f.fail(`${file}: expected an array of rows (objects), got ${value === null ? 'null' : typeof value}`)
  if (value.length === 0) f.fail(`${file}: an empty array: at least one row is needed`)
  value.forEach((row, i) => {
    if (typeof row !== 'object' || row === null || Array.isArray(row)) f.fail(`${file}: row ${i} is not an object`)
    for (const c of columns) if (!(c in row)) f.fail(`${file}: row ${i} has no field '${c}'`)
  })
  return makeTable(f, file, (value as Row[]).map((r) => Object.freeze(r)), handOut)
}

export const data = { csv, json }
