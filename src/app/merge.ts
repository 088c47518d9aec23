// `lmsload merge`: the run directories of a sharded run (`lmsload run --shard K/N`) joined into one
// run directory, exactly — per second, every endpoint's and step's HdrHistogram is the sum of the
// shards' (lossless), counts are summed, ids are renumbered by name through the writer, resources and
// events are kept per shard — then analysed and reported like any run.
import path from 'node:path'
import { displayPath } from '../core/paths.ts'
import { UserError } from '../core/errors.ts'
import { latencyHistogram, type Histogram } from '../metrics/histogram.ts'
import { addCheckTallies, addJourneyCounts, addJourneyErrors, journeyCounts, journeyErrorKey, type EndpointInterval, type EngineEvent, type IntervalRecord, type JourneyCounts, type StreamInterval } from '../metrics/interval.ts'
import { addOutcomeCounts, addTallies } from '../metrics/outcome.ts'
import { addSparse, type SparseHistogram } from '../metrics/sparse.ts'
import type { EventLine, IntervalLine } from '../record/layout/lines.ts'
import type { RunJson, RunStatus, ShardedRun } from '../record/layout/run-json.ts'
import { parseTag, START_LAG_TAG } from '../record/layout/tags.ts'
import { readLatencyLog, readRun, type LoggedHistogram, type RecordedRun } from '../record/reader.ts'
import { RunDirWriter } from '../record/writer.ts'
import type { Analysis } from '../analyze/analysis.ts'
import { analyzeDir } from './analyze.ts'
import { defaultRunDir } from './outputs.ts'
import type { WrittenReports } from './report.ts'
import { MAX_SKEW_MS, skewBetween } from './shard/clock.ts'

export interface MergeRequest {
  dirs: string[]
  out?: string
  /** Merge even when two shards' clocks are proven more than 1 s apart. */
  allowSkew?: boolean
  budgetFile?: string
  stepSummaryFile?: string
}

export interface MergeOutcome {
  dir: string
  run: RunJson
  sharded: ShardedRun
  analysis: Analysis
  reports: WrittenReports
  exitCode: number
}

const fail = (why: string): never => {
  throw new UserError('LMSLOAD_SHARD', `merge: ${why}`)
}

/** The shards, read and checked: one plan, each part once, all parts, clocks close enough. Nothing is written before this passes. */
function readShards(req: MergeRequest): RecordedRun[] {
  if (req.dirs.length === 0) fail('give the run directories of the shards')
  const runs = req.dirs.map((dir) => {
    const run = readRun(path.resolve(dir))
    if (!run.run.shard) fail(`${displayPath(run.dir)} is not a shard of a sharded run (run with --shard K/N)`)
    return run
  })
  const first = runs[0]!
  const s0 = first.run.shard!
  for (const r of runs.slice(1)) {
    const s = r.run.shard!
    if (s.planDigest !== s0.planDigest || s.count !== s0.count || s.runId !== s0.runId || s.startAtMs !== s0.startAtMs) {
      const why = s.count !== s0.count ? `${s.count} shards, not ${s0.count}` : s.planDigest !== s0.planDigest ? `plan ${s.planDigest}, not ${s0.planDigest}` : `start ${new Date(s.startAtMs).toISOString()}, not ${new Date(s0.startAtMs).toISOString()}`
      fail(`${displayPath(r.dir)} is a shard of another run than ${displayPath(first.dir)} (${why})`)
    }
  }
  const byIndex = new Map<number, RecordedRun>()
  for (const r of runs) {
    const k = r.run.shard!.index
    const twin = byIndex.get(k)
    if (twin) fail(`shard ${k} of ${s0.count} given twice: ${displayPath(twin.dir)} and ${displayPath(r.dir)}`)
    byIndex.set(k, r)
  }
  const missing = Array.from({ length: s0.count }, (_, i) => i + 1).filter((k) => !byIndex.has(k))
  if (missing.length) fail(`shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${s0.count} missing (a merged run must be the whole plan)`)
  const sorted = [...byIndex.values()].sort((a, b) => a.run.shard!.index - b.run.shard!.index)
  const skew = skewBetween(sorted.map((r) => r.run.shard!.clock))
  if (skew.provenMs > MAX_SKEW_MS && !req.allowSkew) {
    fail(`the shards' clocks are at least ${skew.provenMs} ms apart (more than ${MAX_SKEW_MS} ms): their seconds are not the same seconds; pass --allow-skew to merge anyway`)
  }
  return sorted
}

/** Each shard's latency log, read second by second in step with the others. */
class LogCursor {
  private readonly log: Generator<LoggedHistogram>
  private next: IteratorResult<LoggedHistogram>
  constructor(dir: string, warnings: string[]) {
    this.log = readLatencyLog(dir, warnings)
    this.next = this.log.next()
  }
  /** Histograms of `second` (the log is written in second order). */
  *at(second: number): Generator<LoggedHistogram> {
    while (!this.next.done && this.next.value.second <= second) {
      if (this.next.value.second === second) yield this.next.value
      this.next = this.log.next()
    }
  }
}

/**
 * Histograms reused from second to second: a full HdrHistogram is ~95 KiB, and a one-hour run of
 * 20 endpoints would otherwise allocate (and zero) one per series per second — 7 GB of garbage
 * for three shards (bench:analyzer -- --shards 3). The writer encodes a second as it is given, so
 * its histograms are free again once `writer.interval` returns.
 */
class HistogramPool {
  private readonly free: Histogram[] = []
  private readonly lent: Histogram[] = []
  take(): Histogram {
    const h = this.free.pop() ?? latencyHistogram()
    this.lent.push(h)
    return h
  }
  /** Every histogram lent since the last call is reset and free again. */
  recycle(): void {
    for (const h of this.lent) {
      h.reset()
      this.free.push(h)
    }
    this.lent.length = 0
  }
}

/** One second of the merged run, built from every shard's line and histograms of that second. */
class SecondBuilder {
  readonly parts = new Map<string, StreamInterval>()
  readonly journeys: Record<string, JourneyCounts> = {}
  readonly checks: Record<string, { pass: number; fail: number }> = {}
  readonly arrivals = { planned: 0, started: 0, dropped: 0 }
  active = 0
  peakActive = 0
  readonly startLag: Histogram
  readonly journeyErrors: IntervalRecord['journeyErrors'] = []
  readonly workers: IntervalRecord['generator']['workers'] = []

  private readonly streams: readonly string[]
  private readonly pool: HistogramPool

  constructor(streams: readonly string[], pool: HistogramPool) {
    this.streams = streams
    this.pool = pool
    this.startLag = pool.take()
    for (const name of streams) this.parts.set(name, { name, arrivals: { planned: 0, started: 0, dropped: 0 }, activeLearners: 0, peakActive: 0, journeys: {}, endpoints: new Map(), steps: new Map(), checks: {} })
  }

  part(stream: string | undefined): StreamInterval {
    return this.parts.get(stream ?? '')!
  }

  endpoint(stream: string | undefined, name: string): EndpointInterval {
    const part = this.part(stream)
    let e = part.endpoints.get(name)
    if (!e) part.endpoints.set(name, (e = { count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, latency: this.pool.take(), timing: new Map(), timingDesc: {} }))
    return e
  }

  step(stream: string | undefined, name: string): { count: number; failed: number; duration: Histogram } {
    const part = this.part(stream)
    let s = part.steps.get(name)
    if (!s) part.steps.set(name, (s = { count: 0, failed: 0, duration: this.pool.take() }))
    return s
  }

  addLine(shard: RecordedRun, line: IntervalLine): void {
    for (const k of ['planned', 'started', 'dropped'] as const) this.arrivals[k] += line.arrivals[k]
    this.active += line.active
    this.peakActive += line.peakActive ?? line.active
    for (const [name, j] of Object.entries(line.journeys)) addJourneyCounts((this.journeys[name] ??= journeyCounts()), j)
    addCheckTallies(this.checks, line.checks)
    for (const [id, e] of Object.entries(line.endpoints)) {
      const name = shard.endpoints.get(id)
      if (name === undefined) continue
      const into = this.endpoint(shard.streamOf.get(id), name)
      addOutcomeCounts(into, e)
      addTallies(into.timingDesc, e.timingDesc)
    }
    for (const [id, st] of Object.entries(line.steps)) {
      const name = shard.steps.get(id)
      if (name === undefined) continue
      const into = this.step(shard.streamOf.get(id), name)
      into.count += st.count
      into.failed += st.failed
    }
    for (const [name, s] of Object.entries(line.streams ?? {})) {
      const part = this.parts.get(name)
      if (!part) continue
      for (const k of ['planned', 'started', 'dropped'] as const) part.arrivals[k] += s.arrivals[k]
      part.activeLearners += s.active
      part.peakActive += s.peakActive
      addCheckTallies(part.checks, s.checks)
    }
    this.workers.push(...line.generator.workers)
    if (line.journeyErrors) addJourneyErrors(this.journeyErrors, line.journeyErrors)
  }

  addHistogram(shard: RecordedRun, tag: string, h: SparseHistogram): void {
    if (tag === START_LAG_TAG) return addSparse(this.startLag, h)
    const parsed = parseTag(tag)
    if (parsed.kind === 'timing') {
      const name = shard.endpoints.get(parsed.endpoint)
      if (name === undefined) return
      const e = this.endpoint(shard.streamOf.get(parsed.endpoint), name)
      let into = e.timing.get(parsed.component)
      if (!into) e.timing.set(parsed.component, (into = this.pool.take()))
      return addSparse(into, h)
    }
    if (parsed.kind !== 'series') return
    const endpoint = shard.endpoints.get(parsed.id)
    if (endpoint !== undefined) return addSparse(this.endpoint(shard.streamOf.get(parsed.id), endpoint).latency, h)
    const step = shard.steps.get(parsed.id)
    if (step !== undefined) addSparse(this.step(shard.streamOf.get(parsed.id), step).duration, h)
  }

  record(second: number, startMs: number, streamed: boolean): IntervalRecord {
    const single = this.parts.get('')
    const base = single ?? { endpoints: new Map(), steps: new Map() }
    return {
      second, startMs: startMs + second * 1000, arrivals: this.arrivals, activeLearners: this.active, peakActive: this.peakActive,
      journeys: this.journeys, checks: this.checks, endpoints: base.endpoints, steps: base.steps, startLag: this.startLag,
      journeyErrors: this.journeyErrors, generator: { workers: this.workers },
      ...(streamed ? { streams: this.streams.map((n) => this.parts.get(n)!) } : {}),
    }
  }
}

/** The worst end of the shards: failed over interrupted over stopped over completed. */
function mergedEnd(shards: RecordedRun[]): { status: Exclude<RunStatus, 'running'>; end: NonNullable<RunJson['end']> } {
  const rank: Record<RunStatus, number> = { completed: 0, aborted: 1, failed: 2, running: 3 }
  const worst = shards.reduce((w, r) => (rank[r.run.status] > rank[w.run.status] ? r : w))
  const status = worst.run.status === 'running' ? 'failed' : worst.run.status
  if (status === 'completed') return { status, end: { reason: 'completed' } }
  const label = `shard ${worst.run.shard!.index}`
  const end = worst.run.end ?? { reason: status === 'aborted' ? 'interrupted' as const : 'failed' as const }
  return { status, end: { reason: worst.run.status === 'running' ? 'failed' : end.reason, detail: `${label}: ${worst.run.status === 'running' ? 'never recorded its end (killed?)' : end.detail ?? end.reason}` } }
}

/** Events of every shard, on the merged timeline: warnings and aborts say which shard. */
type TimedEvent = Exclude<EngineEvent, { type: 'endpoint' }>

function shardEvents(shard: RecordedRun, startMs: number, seenErrors: Set<string>, first: boolean): TimedEvent[] {
  const label = `shard ${shard.run.shard!.index}`
  const out: TimedEvent[] = []
  const at = (e: EventLine) => startMs + e.t * 1000
  for (const e of shard.events) {
    switch (e.type) {
      case 'phase':
        if (first || e.phase !== 'start') out.push({ type: 'phase', phase: e.phase, atMs: at(e), detail: e.detail ? `${label}: ${e.detail}` : label })
        break
      case 'journey-error': {
        const key = journeyErrorKey(e)
        if (seenErrors.has(key)) break
        seenErrors.add(key)
        out.push({ type: 'journey-error', atMs: at(e), journey: e.journey, message: e.message, ...(e.location ? { location: e.location } : {}) })
        break
      }
      case 'generator-saturated':
        out.push({ type: 'generator-saturated', atMs: at(e), fromSecond: e.fromSecond, detail: `${label}: ${e.detail}` })
        break
      case 'warning':
        out.push({ type: 'warning', atMs: at(e), message: `${label}: ${e.message}` })
        break
      case 'abort':
        out.push({ type: 'abort', atMs: at(e), reason: `${label}: ${e.reason}` })
        break
      case 'write':
        out.push({ type: 'write', atMs: at(e), kind: e.kind, key: e.key, value: e.value })
        break
      case 'high-cardinality':
        out.push({ type: 'high-cardinality', atMs: at(e), names: e.names, sample: e.sample })
        break
      default:
        break // endpoint and step ids: the merged run numbers its own
    }
  }
  return out
}

/** `lmsload merge`: checks the shards, writes the merged run directory, analyses it. */
export function mergeShards(req: MergeRequest): MergeOutcome {
  // The shards' lines are garbage by the time the analysis reads the merged run: the peak is the larger of the two, not their sum.
  const { dir, run, sharded } = writeMerged(req)
  const analyzed = analyzeDir(dir, { budgetFile: req.budgetFile, stepSummaryFile: req.stepSummaryFile })
  return { dir, run, sharded, analysis: analyzed.analysis, reports: analyzed.reports!, exitCode: analyzed.exitCode }
}

function writeMerged(req: MergeRequest): { dir: string; run: RunJson; sharded: ShardedRun } {
  const shards = readShards(req)
  const first = shards[0]!.run
  const s0 = first.shard!
  const skew = skewBetween(shards.map((r) => r.run.shard!.clock))
  const sharded: ShardedRun = {
    runId: s0.runId, count: s0.count, planDigest: s0.planDigest, skew,
    shards: shards.map((r) => ({
      index: r.run.shard!.index, dir: r.dir, host: r.run.environment.hostname, workers: r.run.options.workers, startAtMs: r.run.shard!.startAtMs,
      clock: r.run.shard!.clock, arrivals: r.run.result?.arrivals ?? { planned: 0, started: 0, dropped: 0 }, requests: r.run.result?.requests ?? 0, status: r.run.status,
    })),
  }
  const dir = req.out === undefined ? defaultRunDir(s0.runId) : path.resolve(req.out)
  const { shard: _, end: _end, result: _result, endedAt: _endedAt, ...rest } = first
  const merged: RunJson = {
    ...rest, id: s0.runId, status: 'running', endpoints: [], steps: [],
    options: { ...first.options, workers: shards.reduce((n, r) => n + r.run.options.workers, 0) },
    plan: { learners: shards.reduce((n, r) => n + r.run.plan.learners, 0), durationMs: Math.max(...shards.map((r) => r.run.plan.durationMs)), startMs: s0.startAtMs },
    startedAt: shards.map((r) => r.run.startedAt).sort()[0]!,
    sharded,
  }
  const writer = RunDirWriter.create(dir, merged)
  const streamNames = first.scenario.streams?.map((s) => s.name)
  const streamed = streamNames !== undefined
  writer.start({ startMs: s0.startAtMs, plannedLearners: merged.plan.learners, durationMs: merged.plan.durationMs, plannedPerSecond: undefined, model: first.scenario.model, workers: merged.options.workers, ...(streamed ? { streams: [] } : {}) })
  const seenErrors = new Set<string>()
  const events = shards.flatMap((r, i) => shardEvents(r, s0.startAtMs, seenErrors, i === 0)).sort((a, b) => a.atMs - b.atMs)
  for (const e of events) if (e.type !== 'phase' || e.phase !== 'end') writer.event(e)
  for (const r of shards) {
    for (const line of r.resources) {
      const { t: _t, ts, ...sample } = line
      writer.resource(ts, { ...sample, shard: r.run.shard!.index })
    }
  }
  const cursors = shards.map((r) => new LogCursor(r.dir, r.warnings))
  const lines = shards.map((r) => new Map(r.intervals.map((l) => [l.t, l])))
  const seconds = Math.max(0, ...shards.flatMap((r) => r.intervals.map((l) => l.t + 1)))
  const pool = new HistogramPool()
  for (let t = 0; t < seconds; t++) {
    const second = new SecondBuilder(streamNames ?? [''], pool)
    let any = false
    shards.forEach((r, i) => {
      const line = lines[i]!.get(t)
      if (line) {
        any = true
        second.addLine(r, line)
      }
      for (const h of cursors[i]!.at(t)) second.addHistogram(r, h.tag, h.histogram)
    })
    if (any) writer.interval(second.record(t, s0.startAtMs, streamed))
    pool.recycle()
  }
  const lastEnd = events.filter((e) => e.type === 'phase' && e.phase === 'end').at(-1)
  if (lastEnd) writer.event(lastEnd)
  const { status, end } = mergedEnd(shards)
  const endedAt = shards.map((r) => r.run.endedAt ?? '').sort().at(-1) || undefined
  const run = writer.finish(status, {
    seconds, generatorSaturated: shards.some((r) => r.run.result?.generatorSaturated === true), end,
    ...(end.reason === 'failed' && end.detail ? { failure: end.detail } : {}), ...(endedAt ? { endedAt } : {}),
  })
  if (writer.failed) throw writer.failed
  return { dir, run, sharded }
}
