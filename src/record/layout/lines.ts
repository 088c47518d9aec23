// The line types of a run directory's NDJSON files: the recorder builds each line as one of these
// types and the reader validates each line against the schema written beside it, so the two cannot
// drift apart. Lines that do not match are dropped with a `file:line` warning (docs/run-directory.md).
import type { EndpointInterval, GeneratorSelf, JourneyCounts, JourneyError } from '../../metrics/interval.ts'
import type { ResourceSample } from '../samplers/index.ts'

/** intervals.ndjson: one line per second of the run. */
export interface IntervalLine {
  /** Seconds from the start (0, 1, …). */
  t: number
  /** The second's start, epoch ms. */
  ts: number
  arrivals: { planned: number; started: number; dropped: number }
  active: number
  /** Most learners active at once during the second (absent in runs recorded before 0.2). */
  peakActive?: number
  requests: number
  journeys: Record<string, JourneyCounts>
  /** Per endpoint id (run.json `endpoints`). */
  endpoints: Record<string, EndpointLine>
  /** Per step id (run.json `steps`). */
  steps: Record<string, { count: number; failed: number }>
  checks: Record<string, { pass: number; fail: number }>
  generator: { workers: GeneratorSelf[] }
  /** Journeys that threw in this second (absent when none did, and in runs recorded before 0.2). */
  journeyErrors?: JourneyError[]
  /**
   * Per stream, in a run of a scenario written with `streams` (run.json `scenario.streams`): its
   * arrivals, learners, requests and checks. Its endpoints and steps are the ids whose run.json
   * entry names the stream; journeys are the stream's by name.
   */
  streams?: Record<string, StreamLine>
}

/** One stream's second in intervals.ndjson. */
export interface StreamLine {
  arrivals: { planned: number; started: number; dropped: number }
  active: number
  peakActive: number
  requests: number
  checks: Record<string, { pass: number; fail: number }>
}

/** An endpoint's second as recorded: its counters, without the histograms (those go to latency.hlog). */
export type EndpointLine = Omit<EndpointInterval, 'latency' | 'timing'>

/** resources.ndjson: one sample of one source. `t` is seconds from the start (negative before it). */
export type ResourceLine = { t: number; ts: number } & ResourceSample

/** events.ndjson: the run's timeline; `t` is seconds from the start. */
export type EventLine = { t: number } & (
  | { type: 'endpoint'; id: string; name: string; stream?: string }
  | { type: 'step'; id: string; name: string; stream?: string }
  | { type: 'phase'; phase: 'setup' | 'start' | 'arrivals-done' | 'stopping' | 'end'; detail?: string }
  | { type: 'journey-error'; journey: string; message: string; location?: string }
  | { type: 'generator-saturated'; fromSecond: number; detail: string }
  | { type: 'high-cardinality'; names: number; sample: string[] }
  | { type: 'warning'; message: string }
  | { type: 'abort'; reason: string }
  | { type: 'write'; kind: string; key: string; value: string | number | null }
)

const count = { type: 'number', minimum: 0 } as const
const counts = { type: 'object', additionalProperties: count } as const
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', properties, required })

export const INTERVAL_LINE_SCHEMA = object({
  t: { type: 'integer', minimum: 0 },
  ts: { type: 'number' },
  arrivals: object({ planned: count, started: count, dropped: count }),
  active: count,
  peakActive: count,
  requests: count,
  journeys: { type: 'object', additionalProperties: object({ started: count, completed: count, failed: count, interrupted: count }) },
  endpoints: {
    type: 'object',
    additionalProperties: object({ count, ok: count, errors: counts, statuses: counts, bytesIn: count, bytesOut: count, timingDesc: { type: 'object' } }),
  },
  steps: { type: 'object', additionalProperties: object({ count, failed: count }) },
  checks: { type: 'object', additionalProperties: object({ pass: count, fail: count }) },
  generator: object({ workers: { type: 'array', items: { type: 'object', additionalProperties: { type: 'number' } } } }),
  journeyErrors: { type: 'array', items: object({ journey: { type: 'string' }, message: { type: 'string' }, location: { type: 'string' }, count }, ['journey', 'message', 'count']) },
  streams: {
    type: 'object',
    additionalProperties: object({
      arrivals: object({ planned: count, started: count, dropped: count }), active: count, peakActive: count, requests: count,
      checks: { type: 'object', additionalProperties: object({ pass: count, fail: count }) },
    }),
  },
}, ['t', 'ts', 'arrivals', 'active', 'requests', 'journeys', 'endpoints', 'steps', 'checks', 'generator'])

// A sampler's NaN (a Prometheus summary with no observations, say) is written as null by JSON.
const metricValues = { type: 'object', additionalProperties: { type: ['number', 'null'] } } as const

export const RESOURCE_LINE_SCHEMA = object({
  t: { type: 'number' },
  ts: { type: 'number' },
  source: { type: 'string' },
  kind: { type: 'string' },
  metrics: metricValues,
  routes: { type: 'object', additionalProperties: metricValues },
}, ['t', 'ts', 'source', 'kind', 'metrics'])

const string = { type: 'string' } as const
const when = (type: string, then: Record<string, unknown>, required = Object.keys(then)) => ({
  if: { type: 'object', properties: { type: { const: type } } },
  then: { type: 'object', properties: then, required },
})

/** Known event types are checked field by field; a type this version does not know passes (newer runs). */
export const EVENT_LINE_SCHEMA = {
  type: 'object',
  properties: { t: { type: 'number' }, type: string },
  required: ['t', 'type'],
  allOf: [
    when('endpoint', { id: string, name: string }),
    when('step', { id: string, name: string }),
    when('phase', { phase: string }),
    when('journey-error', { journey: string, message: string }),
    when('generator-saturated', { fromSecond: { type: 'number' }, detail: string }),
    when('high-cardinality', { names: count, sample: { type: 'array', items: string } }),
    when('warning', { message: string }),
    when('abort', { reason: string }),
    when('write', { kind: string, key: string, value: { type: ['string', 'number', 'null'] } }),
  ],
} as const
