import type { GeneratorSelf, JourneyCounts, JourneyError } from '../metrics/interval.ts'
import type { OutcomeCounts } from '../metrics/outcome.ts'

// What a load worker reports to the coordinator every second. Histograms travel encoded
// (HdrHistogram compressed base64) and are merged exactly by adding counts.

/** An endpoint's second as a worker sends it: the counters, with its histograms encoded. */
export interface EndpointSnapshot extends OutcomeCounts {
  latency: string
  /** Server-Timing components with a duration: histograms in µs. */
  timing: Record<string, string>
  /** Server-Timing components with only a description (cache=hit): counts. */
  timingDesc: Record<string, number>
}

export interface StepSnapshot {
  count: number
  failed: number
  duration: string
}



/** One stream's second as a worker sends it. */
export interface StreamSnapshot {
  arrivals: { started: number; dropped: number }
  activeLearners: number
  /** Most of the stream's learners active at once during the second. */
  peakActive: number
  journeys: Record<string, JourneyCounts>
  endpoints: Record<string, EndpointSnapshot>
  steps: Record<string, StepSnapshot>
  checks: Record<string, { pass: number; fail: number }>
}

export interface WorkerInterval {
  type: 'interval'
  worker: number
  second: number
  activeLearners: number
  /** Most learners active at once during the second, over all streams. */
  peakActive: number
  /** Per stream, in the scenario's order. */
  streams: StreamSnapshot[]
  /** Lateness of journey starts against the plan, µs (empty histogram when none started). */
  startLag: string
  /** Journeys that threw this second, counted by journey, place and message. */
  journeyErrors: JourneyError[]
  /** Writes the target acknowledged: [kind, key, value, at (epoch ms)]. */
  writes: Array<[string, string, string | number | null, number]>
  self: GeneratorSelf
}

export interface WorkerReady {
  type: 'ready'
  worker: number
}

export interface WorkerDone {
  type: 'done'
  worker: number
  lastSecond: number
}

export interface WorkerFailed {
  type: 'failed'
  worker: number
  message: string
}

export type WorkerMessage = WorkerInterval | WorkerReady | WorkerDone | WorkerFailed

export interface StopCommand {
  type: 'stop'
  reason: 'interrupted'
}
