// What every import shares: results of another tool, streamed in roughly time order, folded into
// lmsload's per-second records and written as a run directory with the engine's own writer. Memory
// holds only the seconds still open (a reorder window), never the raw points.
import { hostname } from 'node:os'
import path from 'node:path'
import { latencyHistogram, recordUs, type Histogram } from '../../metrics/histogram.ts'
import { journeyCounts, type EndpointInterval, type IntervalRecord } from '../../metrics/interval.ts'
import { recordOutcome } from '../../metrics/outcome.ts'
import { RUN_SCHEMA, runId, type RunJson } from '../../record/layout/run-json.ts'
import { RunDirWriter } from '../../record/writer.ts'
import type { TransportError } from '../../scenario/types.ts'

/** Seconds kept open for late points: k6 flushes samples about once a second, runners drift a little. */
export const REORDER_WINDOW_SEC = 10

interface OpenSecond {
  record: IntervalRecord
  /** Active learners per generator (k6 runner): the highest reading of each, summed at the close. */
  active: Map<number, number>
}

function emptyRecord(second: number, startMs: number): IntervalRecord {
  return {
    second, startMs: startMs + second * 1000,
    arrivals: { planned: 0, started: 0, dropped: 0 },
    activeLearners: 0, peakActive: 0, journeys: {}, endpoints: new Map(), steps: new Map(), checks: {},
    startLag: latencyHistogram(), journeyErrors: [], generator: { workers: [] },
  }
}

export interface ImportTotals {
  requests: number
  /** Points that arrived after their second had been written (outside the reorder window). */
  late: number
  seconds: number
  endpoints: Set<string>
  journeys: Set<string>
  /** Every request latency, for the comparison with the tool's own summary (one histogram). */
  overall: Histogram
  perEndpoint: Map<string, { latency: Histogram; count: number; errors: number; sumMs: number; minMs: number; maxMs: number }>
}

/** Folds timestamped measurements into per-second records and hands closed seconds to a sink. */
export class SecondFolder {
  readonly startMs: number
  private readonly open = new Map<number, OpenSecond>()
  private written = -1
  private readonly emit: (record: IntervalRecord) => void
  readonly totals: ImportTotals = {
    requests: 0, late: 0, seconds: 0, endpoints: new Set(), journeys: new Set(), overall: latencyHistogram(), perEndpoint: new Map(),
  }

  constructor(startMs: number, emit: (record: IntervalRecord) => void) {
    this.startMs = startMs
    this.emit = emit
  }

  private at(ms: number): IntervalRecord {
    return this.openAt(ms).record
  }

  private openAt(ms: number): OpenSecond {
    let second = Math.max(0, Math.floor((ms - this.startMs) / 1000))
    if (second <= this.written) {
      this.totals.late++
      second = this.written + 1
    }
    let open = this.open.get(second)
    if (!open) {
      open = { record: emptyRecord(second, this.startMs), active: new Map() }
      this.open.set(second, open)
    }
    return open
  }

  private endpoint(record: IntervalRecord, name: string): EndpointInterval {
    let e = record.endpoints.get(name)
    if (!e) {
      e = { count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, latency: latencyHistogram(), timing: new Map(), timingDesc: {} }
      record.endpoints.set(name, e)
    }
    return e
  }

    /** A request that ended at `endMs`. `status` 0 means no HTTP answer (`error` says why). */
  request(endMs: number, name: string, r: { latencyMs: number; status: number; ok: boolean; error?: TransportError; bytesIn?: number; bytesOut?: number }): void {
    const e = this.endpoint(this.at(endMs), name)
    recordOutcome(e, r.status, r.ok, r.error, Math.max(0, r.latencyMs), r.bytesIn ?? 0, r.bytesOut ?? 0)
    const t = this.totals
    t.requests++
    t.endpoints.add(name)
    recordUs(t.overall, Math.max(0, r.latencyMs) * 1000)
    let per = t.perEndpoint.get(name)
    if (!per) t.perEndpoint.set(name, (per = { latency: latencyHistogram(), count: 0, errors: 0, sumMs: 0, minMs: Infinity, maxMs: -Infinity }))
    per.count++
    if (!r.ok) per.errors++
    recordUs(per.latency, Math.max(0, r.latencyMs) * 1000)
    per.sumMs += r.latencyMs
    per.minMs = Math.min(per.minMs, r.latencyMs)
    per.maxMs = Math.max(per.maxMs, r.latencyMs)
  }

  check(atMs: number, label: string, passed: boolean): void {
    const c = (this.at(atMs).checks[label] ??= { pass: 0, fail: 0 })
    if (passed) c.pass++
    else c.fail++
  }

  step(endMs: number, name: string, durationMs: number, failed: boolean): void {
    const record = this.at(endMs)
    let s = record.steps.get(name)
    if (!s) record.steps.set(name, (s = { count: 0, failed: 0, duration: latencyHistogram() }))
    s.count++
    if (failed) s.failed++
    recordUs(s.duration, Math.max(0, durationMs) * 1000)
  }

  /** A learner (k6 iteration, JMeter thread loop) that started at `startMs`. */
  arrival(startMs: number): void {
    this.at(startMs).arrivals.started++
  }

  dropped(atMs: number, count: number): void {
    this.at(atMs).arrivals.dropped += count
  }

  /** Concurrently active learners (k6 VUs, JMeter threads) on one generator: its highest reading in the second. */
  active(atMs: number, count: number, generator = 0): void {
    const open = this.openAt(atMs)
    open.active.set(generator, Math.max(open.active.get(generator) ?? 0, count))
  }

  /** A step that failed (k6: lmsload_step_failed); its duration comes as its own point. */
  stepFailed(atMs: number, name: string): void {
    const record = this.at(atMs)
    let s = record.steps.get(name)
    if (!s) record.steps.set(name, (s = { count: 0, failed: 0, duration: latencyHistogram() }))
    s.failed++
  }

  journey(endMs: number, name: string, outcome: 'completed' | 'failed'): void {
    const j = (this.at(endMs).journeys[name] ??= journeyCounts())
    j.started++
    j[outcome]++
    this.totals.journeys.add(name)
  }

  /** Writes every second that ended before `watermarkMs` − the reorder window. */
  advance(watermarkMs: number): void {
    this.flushThrough(Math.floor((watermarkMs - this.startMs) / 1000) - REORDER_WINDOW_SEC)
  }

  finish(): void {
    this.flushThrough(Math.max(this.written, ...this.open.keys()))
  }

  private flushThrough(last: number): void {
    while (this.written < last) {
      const second = this.written + 1
      const open = this.open.get(second)
      this.open.delete(second)
      const record = open?.record ?? emptyRecord(second, this.startMs)
      if (open) for (const n of open.active.values()) record.activeLearners += n
      record.arrivals.planned = record.arrivals.started + record.arrivals.dropped
      this.emit(record)
      this.written = second
      this.totals.seconds = second + 1
    }
  }
}

export interface ImportDescription {
  tool: 'k6' | 'jmeter' | 'autocannon'
  name: string
  description: string
  sources: string[]
  target: string
  model: 'open' | 'closed'
  /** Parallel generators (k6 runners, JMeter engines) whose results were merged. */
  generators: number
  profile?: Record<string, unknown>
}

/** A run directory for imported results: run.json says where they came from. */
export function importRunJson(d: ImportDescription, startMs: number): RunJson {
  const started = new Date(startMs)
  return {
    schema: RUN_SCHEMA,
    id: runId(d.name, started),
    status: 'running',
    scenario: {
      name: d.name, description: d.description, file: d.sources.map((s) => path.basename(s)).join(', '), model: d.model,
      profile: { kind: `import:${d.tool}`, sources: d.sources.length, ...d.profile }, journeys: [], budgets: {}, tags: { imported: d.tool },
    },
    target: { url: d.target, bundled: false },
    options: {
      seed: 0, workers: Math.max(1, d.generators), maxLearners: 0, connections: 0, requestTimeoutMs: 0, gracefulStopMs: 0,
      spacing: 'uniform', scrape: [], pids: [],
    },
    environment: {
      lmsloadVersion: 'import', node: process.version, platform: process.platform, arch: process.arch, cpus: 0, cpuModel: `${d.tool} results`,
      totalMemBytes: 0, hostname: hostname(),
    },
    plan: { learners: 0, durationMs: 0 },
    endpoints: [],
    steps: [],
    startedAt: started.toISOString(),
  }
}

/** Opens the run directory and returns a folder whose closed seconds go straight to disk. */
export function openImportRun(dir: string, d: ImportDescription, startMs: number): { folder: SecondFolder; finish(plannedDurationMs?: number): RunJson } {
  const writer = RunDirWriter.create(dir, importRunJson(d, startMs))
  writer.start({ startMs, plannedLearners: 0, durationMs: 0, plannedPerSecond: undefined, model: d.model, workers: Math.max(1, d.generators) })
  let learners = 0
  const folder = new SecondFolder(startMs, (record) => {
    learners += record.arrivals.started
    writer.interval(record)
  })
  return {
    folder,
    finish: (plannedDurationMs?: number) => {
      folder.finish()
      if (writer.failed) throw writer.failed
      return writer.finish('completed', { seconds: folder.totals.seconds, generatorSaturated: false, plan: { learners, durationMs: plannedDurationMs ?? folder.totals.seconds * 1000 } })
    },
  }
}
