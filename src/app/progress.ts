import { secondTotals, type EngineEvent, type EngineSink, type EngineStart, type IntervalRecord } from '../metrics/interval.ts'

/** What the live status line shows, for the CLI to draw (the app never prints). */
export interface Progress {
  elapsedSec: number
  plannedSec: number
  arrivalsPlanned: number
  arrivalsStarted: number
  arrivalsDropped: number
  activeLearners: number
  requestsPerSec: number
  p95Ms: number | undefined
  errors: number
  totalRequests: number
  totalErrors: number
  totalDropped: number
  generatorSaturated: boolean
}

/** Turns the engine's seconds into progress snapshots. */
export class ProgressSink implements EngineSink {
  private readonly onProgress: (p: Progress) => void
  private plannedSec = 0
  private totals = { requests: 0, errors: 0, dropped: 0 }
  private saturated = false

  constructor(onProgress: (p: Progress) => void) {
    this.onProgress = onProgress
  }

  start(info: EngineStart): void {
    this.plannedSec = info.durationMs / 1000
  }

  interval(record: IntervalRecord): void {
    const { latency: all, requests, errors } = secondTotals(record)
    this.totals.requests += requests
    this.totals.errors += errors
    this.totals.dropped += record.arrivals.dropped
    this.onProgress({
      elapsedSec: record.second + 1,
      plannedSec: this.plannedSec,
      arrivalsPlanned: record.arrivals.planned,
      arrivalsStarted: record.arrivals.started,
      arrivalsDropped: record.arrivals.dropped,
      activeLearners: record.activeLearners,
      requestsPerSec: requests,
      p95Ms: all.totalCount > 0 ? all.getValueAtPercentile(95) / 1000 : undefined,
      errors,
      totalRequests: this.totals.requests,
      totalErrors: this.totals.errors,
      totalDropped: this.totals.dropped,
      generatorSaturated: this.saturated,
    })
  }

  event(event: EngineEvent): void {
    if (event.type === 'generator-saturated') this.saturated = true
  }
}
