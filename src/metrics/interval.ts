// The merged, per-second stream of measurements the engine emits, and the sink interface that
// recording and progress implement. Lives here so record/ depends on metrics/, not on engine/.
import { latencyHistogram, type Histogram } from './histogram.ts'
import type { OutcomeCounters } from './outcome.ts'

export interface JourneyCounts {
  started: number
  completed: number
  failed: number
  interrupted: number
}

/** Journey counters at zero: the one literal of them. */
export function journeyCounts(): JourneyCounts {
  return { started: 0, completed: 0, failed: 0, interrupted: 0 }
}

/** Adds `from` into `into`, counter by counter. */
export function addJourneyCounts(into: JourneyCounts, from: JourneyCounts): void {
  into.started += from.started
  into.completed += from.completed
  into.failed += from.failed
  into.interrupted += from.interrupted
}

/** Adds check tallies by label (pass, fail) into a sum: workers' seconds into the run's, shards' into a merged run's. */
export function addCheckTallies(into: Record<string, { pass: number; fail: number }>, from: Record<string, { pass: number; fail: number }>): void {
  for (const [label, c] of Object.entries(from)) {
    const sum = (into[label] ??= { pass: 0, fail: 0 })
    sum.pass += c.pass
    sum.fail += c.fail
  }
}

/** Journeys that threw with one distinct message at one place of the user's code, counted. */
export interface JourneyError {
  journey: string
  message: string
  /** `file:line` of the innermost frame in the user's scenario code, when the stack shows one. */
  location?: string
  count: number
}

/** Distinct journey errors a worker keeps per second; the rest are counted under one overflow entry. */
export const MAX_DISTINCT_JOURNEY_ERRORS = 20
export const OVERFLOW_JOURNEY_ERROR = '(more distinct errors in this second than lmsload keeps apart)'

/** The identity of a distinct journey error: journey, place and message. */
export const journeyErrorKey = (e: Omit<JourneyError, 'count'>): string => `${e.journey}\u0000${e.location ?? ''}\u0000${e.message}`

/** Adds `from` into `into`, summing entries with the same journey, place and message. */
export function addJourneyErrors(into: JourneyError[], from: readonly JourneyError[]): void {
  for (const e of from) {
    const same = into.find((x) => journeyErrorKey(x) === journeyErrorKey(e))
    if (same) same.count += e.count
    else into.push({ ...e })
  }
}

/**
 * Distinct endpoint names past which a run warns (k6 warns on unique time series the same way): an
 * LMS journey mix has tens of routes; hundreds mean expanded paths are being recorded as names.
 */
export const HIGH_CARDINALITY_NAMES = 100

export interface GeneratorSelf {
  /** Event-loop utilisation of the worker over the second (0..1). */
  elu: number
  lagP99Ms: number
  lagMaxMs: number
  /** CPU time of the worker thread over the second, as a share of one core. */
  cpuRatio: number
  heapUsedBytes: number
  /** Connection pools: requests waiting for a connection, in flight, and open connections. */
  poolQueued: number
  poolRunning: number
  poolConnected: number
}

/** One endpoint's numbers for one second, merged over all workers. */
export interface EndpointInterval extends OutcomeCounters {
  timing: Map<string, Histogram>
  timingDesc: Record<string, number>
}

/** One stream's second, merged over all workers. */
export interface StreamInterval {
  name: string
  arrivals: { planned: number; started: number; dropped: number }
  activeLearners: number
  /** Most of the stream's learners active at once during the second (summed over workers). */
  peakActive: number
  journeys: Record<string, JourneyCounts>
  endpoints: Map<string, EndpointInterval>
  steps: Map<string, { count: number; failed: number; duration: Histogram }>
  checks: Record<string, { pass: number; fail: number }>
}

/**
 * One second of the run, merged over all workers: what sinks (recording, progress) receive. The
 * top-level counts are the whole run's (over all streams); `streams` splits them per stream.
 */
export interface IntervalRecord extends Omit<StreamInterval, 'name'> {
  second: number
  startMs: number
  startLag: Histogram
  /** Journeys that threw in this second, by journey, place and message. */
  journeyErrors: JourneyError[]
  generator: { workers: GeneratorSelf[] }
  /** Per stream, in the scenario's order: present when the scenario is written with `streams`. */
  streams?: StreamInterval[]
}

export type EngineEvent =
  | { type: 'phase'; phase: 'setup' | 'start' | 'arrivals-done' | 'stopping' | 'end'; atMs: number; detail?: string }
  | { type: 'endpoint'; name: string }
  /** The first occurrence of a distinct journey error (every occurrence is counted in the seconds). */
  | { type: 'journey-error'; atMs: number; journey: string; message: string; location?: string }
  | { type: 'generator-saturated'; atMs: number; fromSecond: number; detail: string }
  /** More distinct endpoint names than HIGH_CARDINALITY_NAMES: paths that defeat route templates. */
  | { type: 'high-cardinality'; atMs: number; names: number; sample: string[] }
  | { type: 'warning'; atMs: number; message: string }
  | { type: 'abort'; atMs: number; reason: string }
  /** A write the target acknowledged (Learner.acknowledged), for a drill's recovery-point check. */
  | { type: 'write'; atMs: number; kind: string; key: string; value: string | number | null }

export interface EngineStart {
  startMs: number
  /** The scenario's streams when it is written with `streams` (records then keep a series per stream). */
  streams?: Array<{ name: string; model: 'open' | 'closed'; startAfterMs: number; plannedLearners: number; plannedPerSecond: Uint32Array | undefined }>
  plannedLearners: number
  durationMs: number
  plannedPerSecond: Uint32Array | undefined
  model: 'open' | 'closed'
  workers: number
}

/** The engine only emits; recording, progress and budgets subscribe (k6's outputs). */
export interface EngineSink {
  start(info: EngineStart): void
  interval(record: IntervalRecord): void
  event(event: EngineEvent): void
}

export class FanoutSink implements EngineSink {
  private readonly sinks: EngineSink[]
  constructor(...sinks: EngineSink[]) {
    this.sinks = sinks
  }
  start(info: EngineStart): void {
    for (const s of this.sinks) s.start(info)
  }
  interval(record: IntervalRecord): void {
    for (const s of this.sinks) s.interval(record)
  }
  event(event: EngineEvent): void {
    for (const s of this.sinks) s.event(event)
  }
}

/** One second over all endpoints: merged latency, requests and unsuccessful requests. */
export function secondTotals(record: IntervalRecord): { latency: Histogram; requests: number; errors: number } {
  const latency = latencyHistogram()
  let requests = 0
  let errors = 0
  for (const e of record.endpoints.values()) {
    latency.add(e.latency)
    requests += e.count
    errors += e.count - e.ok
  }
  return { latency, requests, errors }
}
