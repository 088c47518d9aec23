// Live outputs (k6's model): the engine's per-second stream in, one sink per output (Prometheus
// remote write, NDJSON), selected with --output KIND=WHERE. The run never waits for an output: each
// takes a second's summary synchronously and sends it on its own time, from a bounded queue,
// counting what it had to drop; stop() flushes within a deadline and says what was lost.
import type { Histogram } from '../../metrics/histogram.ts'
import { countsByBound, toSparse } from '../../metrics/sparse.ts'
import type { EngineEvent, EngineSink, EngineStart, IntervalRecord, StreamInterval } from '../../metrics/interval.ts'
import { DEFAULT_STREAM } from '../../scenario/types.ts'

/** Latency bucket bounds (seconds) of the run's latency histograms: 0.25 ms to 2 min, ×1.2 apart. */
export const LATENCY_BUCKETS_S: readonly number[] = (() => {
  const out: number[] = []
  for (let b = 0.00025; b <= 120; b *= 1.2) out.push(Number(b.toPrecision(4)))
  return out
})()

/** One endpoint of one stream in one second. */
export interface LiveEndpoint {
  endpoint: string
  /** The stream ('default' in a scenario without streams). */
  stream: string
  requests: number
  errors: number
  /** ms; null without a response timed. */
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
  /** Responses per LATENCY_BUCKETS_S bucket (not cumulative), the last entry above the last bound. */
  buckets: number[]
}

/** One second of the run as every output receives it. */
export interface LiveSecond {
  /** Seconds from the start. */
  t: number
  /** The second's end, epoch ms, or the moment it was reported when that came first (a run's last, partial second): the samples' timestamp, never in the future. */
  atMs: number
  streams: Array<{ stream: string; planned: number; started: number; dropped: number; active: number }>
  endpoints: LiveEndpoint[]
}

export interface LiveStart {
  runId: string
  scenario: string
  startMs: number
  /** A shard of a sharded run ('2/3'): the shards share the run id, so their series need this to stay apart. */
  shard?: string
}

/** What an output did: `sent` and `dropped` count its batches (one per second, or a few seconds coalesced). */
export interface OutputReport {
  output: string
  sent: number
  dropped: number
  /** Why batches were dropped, most frequent first (a refused connection, an HTTP status, a full queue). */
  reasons: string[]
}

export interface Output {
  /** As given: 'prometheus=http://…/api/v1/write'. */
  readonly name: string
  start(info: LiveStart): void
  second(s: LiveSecond): void
  /** Sends what is queued, for at most `deadlineMs`, and stops. */
  stop(deadlineMs: number): Promise<OutputReport>
  /** Whether the output writes to this process's stdout (the console summary then goes to stderr). */
  readonly usesStdout?: boolean
}

const ms = (h: Histogram, p: number) => (h.totalCount > 0 ? h.getValueAtPercentile(p) / 1000 : null)

const BOUNDS_US = LATENCY_BUCKETS_S.map((b) => Math.round(b * 1_000_000))

function bucketsOf(h: Histogram): number[] {
  if (h.totalCount === 0) return new Array<number>(BOUNDS_US.length + 1).fill(0)
  return countsByBound(toSparse(h), BOUNDS_US)
}

function endpointsOf(stream: string, part: Pick<StreamInterval, 'endpoints'>): LiveEndpoint[] {
  return [...part.endpoints].map(([endpoint, e]) => ({
    endpoint, stream, requests: e.count, errors: e.count - e.ok,
    p50: ms(e.latency, 50), p95: ms(e.latency, 95), p99: ms(e.latency, 99), max: e.latency.totalCount > 0 ? e.latency.maxValue / 1000 : null,
    buckets: bucketsOf(e.latency),
  }))
}

/** A second of the engine's stream as outputs see it: per stream, per stream × endpoint. */
export function liveSecond(record: IntervalRecord, defaultStream: string, nowMs: number): LiveSecond {
  const parts: Array<Omit<StreamInterval, 'name'> & { name: string }> = record.streams ?? [{ ...record, name: defaultStream }]
  return {
    t: record.second,
    atMs: Math.round(Math.min(record.startMs + 1000, nowMs)),
    streams: parts.map((p) => ({ stream: p.name, planned: p.arrivals.planned, started: p.arrivals.started, dropped: p.arrivals.dropped, active: p.activeLearners })),
    endpoints: parts.flatMap((p) => endpointsOf(p.name, p)),
  }
}

/** The engine sink that feeds the outputs. */
export class OutputsSink implements EngineSink {
  private readonly outputs: readonly Output[]
  private readonly about: { runId: string; scenario: string; shard?: string }
  constructor(outputs: readonly Output[], about: { runId: string; scenario: string; shard?: string }) {
    this.outputs = outputs
    this.about = about
  }
  start(info: EngineStart): void {
    for (const o of this.outputs) o.start({ ...this.about, startMs: info.startMs })
  }
  interval(record: IntervalRecord): void {
    const s = liveSecond(record, DEFAULT_STREAM, Date.now())
    for (const o of this.outputs) o.second(s)
  }
  event(_event: EngineEvent): void {}
  /** Stops every output within `deadlineMs` (together, not one after the other). */
  stop(deadlineMs: number): Promise<OutputReport[]> {
    return Promise.all(this.outputs.map((o) => o.stop(deadlineMs)))
  }
}
