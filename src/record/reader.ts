import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { UserError } from '../core/errors.ts'
import { decodeSparse, type SparseHistogram } from '../metrics/sparse.ts'
import type { DrillJson } from './layout/drill-json.ts'
import { FILES } from './layout/files.ts'
import type { EventLine, IntervalLine, ResourceLine } from './layout/lines.ts'
import { readNdjson, streamLines } from './layout/ndjson.ts'
import { RUN_SCHEMA, type RunJson } from './layout/run-json.ts'
import { readDrill, readEvents } from './layout/side-files.ts'
import { firstProblem, validateIntervalLine, validateResourceLine, validateRunJson } from './layout/validate.ts'

export interface RecordedRun {
  dir: string
  run: RunJson
  /** False when the run never recorded its end (killed): the data holds up to its last whole second. */
  complete: boolean
  endpoints: Map<string, string>
  steps: Map<string, string>
  /** In a run with streams: the stream of each endpoint and step id. */
  streamOf: Map<string, string>
  intervals: IntervalLine[]
  events: EventLine[]
  /**
   * Resource samples, one source per second. In a run merged from shards, a source several shards
   * sampled (the target's /metrics, the host, the generator) is the lowest shard's; `shardResources`
   * keeps every shard's.
   */
  resources: ResourceLine[]
  shardResources: ResourceLine[]
  /** drill.json, when `lmsload drill` made the run. */
  drill?: DrillJson
  warnings: string[]
}

function fail(dir: string, message: string): never {
  throw new UserError('LMSLOAD_RUN_READ', `${dir}: ${message}`)
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
  if (!validateRunJson(run)) fail(dir, `${FILES.run}${firstProblem(validateRunJson, '')}`)
  if (!existsSync(path.join(dir, FILES.intervals))) fail(dir, `missing ${FILES.intervals}`)
  const warnings: string[] = []
  const intervals = readNdjson<IntervalLine>(path.join(dir, FILES.intervals), validateIntervalLine, warnings)
  const events = readEvents(dir, warnings)
  const shardResources = readNdjson<ResourceLine>(path.join(dir, FILES.resources), validateResourceLine, warnings)
  const resources = run.sharded ? oneShardPerSource(shardResources) : shardResources
  const endpoints = new Map(run.endpoints.map((e) => [e.id, e.name]))
  const steps = new Map(run.steps.map((s) => [s.id, s.name]))
  const streamOf = new Map<string, string>()
  for (const e of [...run.endpoints, ...run.steps]) if (e.stream !== undefined) streamOf.set(e.id, e.stream)
  // A run killed before its end has no endpoint table in run.json: events.ndjson names them.
  for (const e of events) {
    if (e.type === 'endpoint') endpoints.set(e.id, e.name)
    if (e.type === 'step') steps.set(e.id, e.name)
    if ((e.type === 'endpoint' || e.type === 'step') && e.stream !== undefined) streamOf.set(e.id, e.stream)
  }
  const complete = run.status !== 'running'
  if (!complete) warnings.push(`${FILES.run}: the run never recorded its end (killed?); data up to its last whole second`)
  const drill = readDrill(dir, warnings)
  return { dir, run, complete, endpoints, steps, streamOf, intervals, events, resources, shardResources, ...(drill ? { drill } : {}), warnings }
}

/** Of the sources several shards sampled, the lowest shard's lines (the analyzer reads one line per source per second). */
function oneShardPerSource(lines: ResourceLine[]): ResourceLine[] {
  const owner = new Map<string, number>()
  for (const l of lines) owner.set(l.source, Math.min(owner.get(l.source) ?? Infinity, l.shard ?? 0))
  return lines.filter((l) => (l.shard ?? 0) === owner.get(l.source))
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
