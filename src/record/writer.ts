import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs'
import path from 'node:path'
import { HistogramLogWriter } from 'hdr-histogram-js'
import { writeFileAtomic } from '../core/atomic-write.ts'
import { UserError } from '../core/errors.ts'
import type { Histogram } from '../metrics/histogram.ts'
import type { EngineEvent, EngineSink, EngineStart, IntervalRecord } from '../metrics/interval.ts'
import { FILES } from './layout/files.ts'
import type { EndpointLine, EventLine, IntervalLine, ResourceLine, StreamLine } from './layout/lines.ts'
import { endReasonOfStatus, type EndReason, type RunJson, type RunStatus } from './layout/run-json.ts'
import { endpointId, START_LAG_TAG, stepId, TAG_LEGEND, timingTag } from './layout/tags.ts'
import type { ResourceSample } from './samplers/index.ts'

/** What a secret's value is written as. */
export const REDACTED = '[secret]'

function runDirError(dir: string, action: string, error: unknown): UserError {
  const e = error as NodeJS.ErrnoException
  const reason = e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'EROFS' ? 'read-only file system' : e.message
  return new UserError('LMSLOAD_RUN_DIR', `${dir}: cannot ${action}: ${reason}`)
}

/**
 * Writes a run directory as DESIGN.md specifies. Every line is written as its second closes, so a
 * run killed at any moment can still be analysed up to its last whole second.
 */
export class RunDirWriter implements EngineSink {
  readonly dir: string
  private readonly run: RunJson
  private readonly fds: Record<'latency' | 'intervals' | 'resources' | 'events', number>
  private readonly endpointIds = new Map<string, string>()
  private readonly stepIds = new Map<string, string>()
  private readonly hlog: HistogramLogWriter
  private hlogBuffer = ''
  private startMs = 0
  private totals = { planned: 0, started: 0, dropped: 0, requests: 0 }
  /** Resource samples taken before the start: written with negative times once it is known. */
  private early: Array<{ atMs: number; sample: ResourceSample }> = []
  private closed = false
  /** Values never written (the run's secrets): replaced wherever they would appear. */
  private redact: readonly string[] = []
  /** The scenario has streams: endpoints and steps get ids per stream. */
  private streamed = false
  private failure: UserError | undefined
  /** Called once, at the first write that fails (disk full, file system gone read-only). */
  onFailure: ((error: UserError) => void) | undefined

  private constructor(dir: string, run: RunJson) {
    this.dir = dir
    this.run = run
    const open = (name: string) => openSync(path.join(dir, name), 'a')
    this.fds = { latency: open(FILES.latency), intervals: open(FILES.intervals), resources: open(FILES.resources), events: open(FILES.events) }
    this.hlog = new HistogramLogWriter((text) => {
      this.hlogBuffer += text
    })
  }

  /** Creates the directory (refusing one that already holds anything) and writes run.json. */
  static create(dir: string, run: RunJson, options: { redact?: readonly string[] } = {}): RunDirWriter {
    try {
      if (existsSync(dir) && readdirSync(dir).length > 0) {
        throw new UserError('LMSLOAD_RUN_DIR', `${dir} already exists and is not empty; choose another --out (runs are never overwritten)`)
      }
      mkdirSync(dir, { recursive: true })
    } catch (error) {
      if (error instanceof UserError) throw error
      throw runDirError(dir, 'create the run directory', error)
    }
    const writer = new RunDirWriter(dir, run)
    writer.redact = (options.redact ?? []).filter((v) => v !== '')
    writer.writeRunJson()
    return writer
  }

  /** The first write error, if any: from then on nothing more is written (lines stay whole). */
  get failed(): UserError | undefined {
    return this.failure
  }

  private fail(error: UserError): void {
    if (this.failure) return
    this.failure = error
    this.onFailure?.(error)
  }

  private redacted(text: string): string {
    for (const secret of this.redact) if (text.includes(secret)) text = text.split(secret).join(REDACTED)
    return text
  }

  private write(file: keyof RunDirWriter['fds'], text: string): void {
    if (this.closed || this.failure || text === '') return
    try {
      writeSync(this.fds[file], this.redacted(text))
    } catch (error) {
      this.fail(runDirError(this.dir, `write ${FILES[file]}`, error))
    }
  }

  /** run.json is replaced atomically: write a temporary file, flush it, rename over. */
  private writeRunJson(): void {
    try {
      writeFileAtomic(path.join(this.dir, FILES.run), this.redacted(`${JSON.stringify(this.run, null, 2)}\n`))
    } catch (error) {
      throw runDirError(this.dir, 'write run.json', error)
    }
  }

  /** The id of endpoint `name` (of `stream`, in a run with streams): numbered by first appearance. */
  private endpointId(name: string, stream?: string): string {
    const key = stream === undefined ? name : `${stream}\u0000${name}`
    let id = this.endpointIds.get(key)
    if (!id) {
      id = endpointId(this.endpointIds.size + 1)
      this.endpointIds.set(key, id)
      const entry = { id, name, ...(stream !== undefined ? { stream } : {}) }
      this.run.endpoints.push(entry)
      this.writeEvent({ type: 'endpoint', ...entry })
    }
    return id
  }

  private stepId(name: string, stream?: string): string {
    const key = stream === undefined ? name : `${stream}\u0000${name}`
    let id = this.stepIds.get(key)
    if (!id) {
      id = stepId(this.stepIds.size + 1)
      this.stepIds.set(key, id)
      const entry = { id, name, ...(stream !== undefined ? { stream } : {}) }
      this.run.steps.push(entry)
      this.writeEvent({ type: 'step', ...entry })
    }
    return id
  }

  private writeEvent(event: { type: 'endpoint' | 'step'; id: string; name: string; stream?: string }): void {
    const line: EventLine = { t: this.startMs ? Math.round(Date.now() - this.startMs) / 1000 : 0, ...event }
    this.write('events', `${JSON.stringify(line)}\n`)
  }

  private logHistogram(tag: string, h: Histogram, second: number): void {
    if (h.totalCount === 0) return
    h.tag = tag
    this.hlog.outputIntervalHistogram(h, second, second + 1, 1000)
  }

  start(info: EngineStart): void {
    this.startMs = info.startMs
    this.streamed = info.streams !== undefined
    this.run.plan.startMs = Math.round(info.startMs)
    this.run.plan.learners = info.plannedLearners
    this.run.plan.durationMs = info.durationMs
    this.hlog.outputLogFormatVersion()
    this.hlog.outputComment(`lmsload run ${this.run.id}: latencies in microseconds; ${TAG_LEGEND}`)
    this.hlog.outputStartTime(info.startMs)
    this.hlog.outputLegend()
    this.write('latency', this.hlogBuffer)
    this.hlogBuffer = ''
    try {
      this.writeRunJson()
    } catch (error) {
      this.fail(error as UserError)
    }
    for (const { atMs, sample } of this.early) this.resource(atMs, sample)
    this.early = []
  }

  interval(record: IntervalRecord): void {
    const endpoints: Record<string, EndpointLine> = {}
    const steps: IntervalLine['steps'] = {}
    let requests = 0
    // A run with streams records each stream's endpoints and steps under ids of their own; the
    // run's totals per endpoint are their sums (the analyzer merges ids of one name).
    const parts = record.streams ?? [{ ...record, name: undefined }]
    const streamLines: Record<string, StreamLine> = {}
    for (const part of parts) {
      let partRequests = 0
      for (const [name, e] of part.endpoints) {
        const id = this.endpointId(name, part.name)
        partRequests += e.count
        endpoints[id] = { count: e.count, ok: e.ok, errors: e.errors, statuses: e.statuses, bytesIn: e.bytesIn, bytesOut: e.bytesOut, timingDesc: e.timingDesc }
        this.logHistogram(id, e.latency, record.second)
        for (const [component, h] of e.timing) this.logHistogram(timingTag(id, component), h, record.second)
      }
      for (const [name, st] of part.steps) {
        const id = this.stepId(name, part.name)
        steps[id] = { count: st.count, failed: st.failed }
        this.logHistogram(id, st.duration, record.second)
      }
      requests += partRequests
      if (part.name !== undefined) {
        streamLines[part.name] = { arrivals: part.arrivals, active: part.activeLearners, peakActive: Math.max(part.peakActive, part.activeLearners), requests: partRequests, checks: part.checks }
      }
    }
    this.logHistogram(START_LAG_TAG, record.startLag, record.second)
    this.totals.planned += record.arrivals.planned
    this.totals.started += record.arrivals.started
    this.totals.dropped += record.arrivals.dropped
    this.totals.requests += requests
    const line: IntervalLine = {
      t: record.second, ts: Math.round(record.startMs), arrivals: record.arrivals, active: record.activeLearners, peakActive: Math.max(record.peakActive, record.activeLearners), requests,
      journeys: record.journeys, endpoints, steps, checks: record.checks, generator: record.generator,
      ...(record.journeyErrors.length ? { journeyErrors: record.journeyErrors } : {}),
      ...(record.streams ? { streams: streamLines } : {}),
    }
    this.write('intervals', `${JSON.stringify(line)}\n`)
    this.write('latency', this.hlogBuffer)
    this.hlogBuffer = ''
  }

  event(event: EngineEvent): void {
    if (event.type === 'endpoint') {
      // In a run with streams, ids are per stream and given as the seconds come.
      if (!this.streamed) this.endpointId(event.name)
      return
    }
    const { atMs, ...rest } = event
    const line: EventLine = { t: this.startMs ? Math.round(atMs - this.startMs) / 1000 : 0, ...rest }
    this.write('events', `${JSON.stringify(line)}\n`)
  }

  /** A resource sample; `t` is seconds from the start of the run (negative before it). */
  resource(atMs: number, sample: ResourceSample): void {
    if (!this.startMs) {
      this.early.push({ atMs, sample })
      return
    }
    const line: ResourceLine = { t: Math.round(atMs - this.startMs) / 1000, ts: Math.round(atMs), ...sample }
    this.write('resources', `${JSON.stringify(line)}\n`)
  }

  /** Marks the run's end in run.json (atomically) and closes the files. */
  finish(status: RunStatus, result: { seconds: number; generatorSaturated: boolean; failure?: string; plan?: { learners: number; durationMs: number }; end?: { reason: EndReason; detail?: string }; endedAt?: string }): RunJson {
    this.run.status = status
    this.run.end = result.end ?? { reason: endReasonOfStatus(status === 'running' ? 'failed' : status), ...(result.failure ? { detail: result.failure } : {}) }
    // Imports learn the plan (learners, length) only at the end of their input.
    if (result.plan) this.run.plan = { ...this.run.plan, ...result.plan }
    this.run.endedAt = result.endedAt ?? new Date().toISOString()
    this.run.result = {
      seconds: result.seconds,
      arrivals: { planned: this.totals.planned, started: this.totals.started, dropped: this.totals.dropped },
      requests: this.totals.requests,
      generatorSaturated: result.generatorSaturated,
      ...(result.failure ? { failure: result.failure } : {}),
    }
    // After a write error run.json is still tried: a full disk may have room for one small file,
    // and a run.json that says `failed` beats one that says `running`.
    try {
      this.writeRunJson()
    } catch (error) {
      this.fail(error as UserError)
    }
    this.closed = true
    for (const fd of Object.values(this.fds)) closeSync(fd)
    return this.run
  }
}
