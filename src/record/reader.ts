import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs'
import path from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { Ajv } from 'ajv'
import { UserError } from '../core/errors.ts'
import { decodeSparse, type SparseHistogram } from '../metrics/sparse.ts'
import type { JourneyError } from '../metrics/interval.ts'
import { DRILL_SCHEMA, type DrillJson } from './drill-json.ts'
import { RUN_JSON_SCHEMA, RUN_SCHEMA, type RunJson } from './run-json.ts'
import { FILES } from './writer.ts'

export interface IntervalLine {
  t: number
  ts: number
  arrivals: { planned: number; started: number; dropped: number }
  active: number
  /** Most learners active at once during the second (absent in runs recorded before 0.2). */
  peakActive?: number
  requests: number
  journeys: Record<string, { started: number; completed: number; failed: number; interrupted: number }>
  endpoints: Record<string, { count: number; ok: number; errors: Record<string, number>; statuses: Record<string, number>; bytesIn: number; bytesOut: number; timingDesc: Record<string, number> }>
  steps: Record<string, { count: number; failed: number }>
  checks: Record<string, { pass: number; fail: number }>
  generator: { workers: Array<Record<string, number>> }
  /** Journeys that threw in this second (absent when none did, and in runs recorded before 0.2). */
  journeyErrors?: JourneyError[]
}

export interface ResourceLine {
  t: number
  ts: number
  source: string
  kind: string
  metrics: Record<string, number>
  routes?: Record<string, Record<string, number>>
}

export interface RecordedRun {
  dir: string
  run: RunJson
  /** False when the run never recorded its end (killed): the data holds up to its last whole second. */
  complete: boolean
  endpoints: Map<string, string>
  steps: Map<string, string>
  intervals: IntervalLine[]
  events: Array<Record<string, unknown> & { t: number; type: string }>
  resources: ResourceLine[]
  /** drill.json, when `lmsload drill` made the run. */
  drill?: DrillJson
  warnings: string[]
}

const validateRun = new Ajv({ allErrors: false }).compile(RUN_JSON_SCHEMA)

function fail(dir: string, message: string): never {
  throw new UserError('LMSLOAD_RUN_READ', `${dir}: ${message}`)
}

/**
 * Lines of an append-only file (index i is line i + 1). A last line without its newline is a write torn by a crash: it is
 * dropped with a warning, as is any line that does not parse.
 */
export function readLines(file: string, warnings: string[]): string[] {
  if (!existsSync(file)) return []
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  const last = lines.pop()!
  if (last !== '') warnings.push(`${path.basename(file)}: last line is incomplete (the run was cut off mid-write); ignored`)
  return lines
}

/**
 * The lines of a file read in 1 MiB chunks (latency.hlog of a long run is tens of MB: never held
 * whole); a torn last line is dropped with a warning, as readLines does.
 */
export function* streamLines(file: string, warnings: string[]): Generator<string> {
  if (!existsSync(file)) return
  const fd = openSync(file, 'r')
  try {
    const chunk = Buffer.allocUnsafe(1 << 20)
    const decoder = new StringDecoder('utf8')
    let carry = ''
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      const text = carry + decoder.write(chunk.subarray(0, n))
      const lines = text.split('\n')
      carry = lines.pop()!
      yield* lines
    }
    if (carry !== '') warnings.push(`${path.basename(file)}: last line is incomplete (the run was cut off mid-write); ignored`)
  } finally {
    closeSync(fd)
  }
}

export function readNdjson<T>(file: string, warnings: string[]): T[] {
  const out: T[] = []
  readLines(file, warnings).forEach((line, i) => {
    if (line.trim() === '') return
    try {
      out.push(JSON.parse(line) as T)
    } catch {
      warnings.push(`${path.basename(file)}:${i + 1}: not valid JSON; line ignored`)
    }
  })
  return out
}

/** Opens a run directory: run.json validated, NDJSON files read, torn tails tolerated. */
export function readRun(dir: string): RecordedRun {
  if (!existsSync(dir)) fail(dir, 'no such run directory')
  const runFile = path.join(dir, FILES.run)
  if (!existsSync(runFile)) fail(dir, `missing ${FILES.run}: not an lmsload run directory`)
  let run: RunJson
  try {
    run = JSON.parse(readFileSync(runFile, 'utf8')) as RunJson
  } catch (error) {
    fail(dir, `${FILES.run} is not valid JSON (${(error as Error).message})`)
  }
  if (run?.schema !== RUN_SCHEMA) fail(dir, `${FILES.run} has schema ${JSON.stringify(run?.schema)}; this lmsload reads ${RUN_SCHEMA}`)
  if (!validateRun(run)) {
    const e = validateRun.errors![0]!
    fail(dir, `${FILES.run}${e.instancePath || ''} ${e.message}`)
  }
  if (!existsSync(path.join(dir, FILES.intervals))) fail(dir, `missing ${FILES.intervals}`)
  const warnings: string[] = []
  const intervals = readNdjson<IntervalLine>(path.join(dir, FILES.intervals), warnings)
  const events = readNdjson<Record<string, unknown> & { t: number; type: string }>(path.join(dir, FILES.events), warnings)
  const resources = readNdjson<ResourceLine>(path.join(dir, FILES.resources), warnings)
  const endpoints = new Map(run.endpoints.map((e) => [e.id, e.name]))
  const steps = new Map(run.steps.map((s) => [s.id, s.name]))
  // A run killed before its end has no endpoint table in run.json: events.ndjson names them.
  for (const e of events) {
    if (e.type === 'endpoint' && typeof e.id === 'string' && typeof e.name === 'string') endpoints.set(e.id, e.name)
    if (e.type === 'step' && typeof e.id === 'string' && typeof e.name === 'string') steps.set(e.id, e.name)
  }
  const complete = run.status !== 'running'
  if (!complete) warnings.push(`${FILES.run}: the run never recorded its end (killed?); data up to its last whole second`)
  const drill = readDrill(dir, warnings)
  return { dir, run, complete, endpoints, steps, intervals, events, resources, ...(drill ? { drill } : {}), warnings }
}

/** drill.json is optional: a damaged one is a warning, never a reason to lose the run's analysis. */
function readDrill(dir: string, warnings: string[]): DrillJson | undefined {
  const file = path.join(dir, FILES.drill)
  if (!existsSync(file)) return undefined
  try {
    const drill = JSON.parse(readFileSync(file, 'utf8')) as DrillJson
    if (drill?.schema === DRILL_SCHEMA && drill.kill && Array.isArray(drill.probe?.timeline)) return drill
    warnings.push(`${FILES.drill}: schema ${JSON.stringify(drill?.schema)} is not ${DRILL_SCHEMA}; drill results ignored`)
  } catch (error) {
    warnings.push(`${FILES.drill}: not valid JSON (${(error as Error).message}); drill results ignored`)
  }
  return undefined
}

export interface LoggedHistogram {
  tag: string
  second: number
  /** Only the buckets with counts (metrics/sparse.ts): merging a long run stays cheap. */
  histogram: SparseHistogram
}

/** Every interval histogram of latency.hlog, in file order; damaged lines are skipped with a warning. */
export function* readLatencyLog(dir: string, warnings: string[]): Generator<LoggedHistogram> {
  const file = path.join(dir, FILES.latency)
  let i = -1
  for (const line of streamLines(file, warnings)) {
    i++
    if (line.trim() === '' || line[0] === '#' || line.startsWith('"StartTimestamp"')) continue
    const m = /^Tag=([^,\s]+),([\d.]+),([\d.]+),([\d.]+),(\S+)$/.exec(line)
    if (!m) {
      warnings.push(`${FILES.latency}:${i + 1}: not an interval line; ignored`)
      continue
    }
    let histogram: SparseHistogram
    try {
      histogram = decodeSparse(m[5]!)
    } catch {
      warnings.push(`${FILES.latency}:${i + 1}: histogram cannot be decoded; ignored`)
      continue
    }
    yield { tag: m[1]!, second: Math.round(Number(m[2])), histogram }
  }
}
