// Sentences about a run's streams, shared by the console, Markdown and HTML writers.
import type { StreamInterference, StreamSummary } from '../analyze/analysis.ts'
import { ms } from './format.ts'

/** A stream slowed by another's busy seconds at least this much is worth a sentence. */
export const INTERFERENCE_WORTH_SAYING = 1.25
/** Requests each side needs before its p95 is set against the other's. */
export const INTERFERENCE_MIN_REQUESTS = 50

/**
 * "background: p95 30 ms while exam was busy, 16 ms otherwise (1.8×)": said when the other
 * stream's busy seconds slowed this one by INTERFERENCE_WORTH_SAYING or more, and each side had
 * INTERFERENCE_MIN_REQUESTS requests. Undefined otherwise.
 */
export function interferenceLine(s: StreamSummary, i: StreamInterference): string | undefined {
  if (i.ratio === null || i.ratio < INTERFERENCE_WORTH_SAYING) return undefined
  if (i.during.requests < INTERFERENCE_MIN_REQUESTS || i.outside.requests < INTERFERENCE_MIN_REQUESTS) return undefined
  return `${s.name}: p95 ${ms(i.during.p95Ms)} while ${i.by} was busy, ${ms(i.outside.p95Ms)} otherwise (${i.ratio.toFixed(1)}×; ${i.during.requests} and ${i.outside.requests} requests)`
}

/** One line per stream for a console or Markdown summary. */
export function streamLine(s: StreamSummary): string {
  const l = s.overall.latencyMs
  return `${s.name} (${s.model}, from ${s.startAfterSec} s): ${s.arrivals.started} of ${s.arrivals.planned} learners started, ${s.overall.count} requests, p95 ${ms(l?.p95)}, ${(s.overall.errorRate * 100).toFixed(2)} % errors`
}
