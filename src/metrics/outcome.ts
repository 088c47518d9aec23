// Request outcomes, one owner: what one request came to (an HTTP status, or a transport error) is
// counted the same way whoever measured it — the engine's learners, the k6 and JMeter imports, the
// autocannon probe. Sits on the engine's hot path: plain field updates, no allocation.
import type { TransportError } from '../core/transport-error.ts'
import { recordUs, type Histogram } from './histogram.ts'

/** The per-endpoint counters of one second that an outcome updates. */
export interface OutcomeCounters {
  count: number
  ok: number
  /** Transport errors by kind, and `http` for answers with an unexpected status. */
  errors: Record<string, number>
  statuses: Record<string, number>
  bytesIn: number
  bytesOut: number
  latency: Histogram
}

/** An endpoint's outcome counts without the latency histogram (threads send it encoded; the recording keeps it apart). */
export type OutcomeCounts = Omit<OutcomeCounters, 'latency'>

/** Adds per-key tallies (error kinds, statuses, Server-Timing descriptions) into a sum. */
export function addTallies(into: Record<string, number>, from: Record<string, number>): void {
  for (const k in from) into[k] = (into[k] ?? 0) + from[k]!
}

/** Adds one set of outcome counts into another: workers' seconds into the run's second, seconds into a run. */
export function addOutcomeCounts(into: OutcomeCounts, from: OutcomeCounts): void {
  into.count += from.count
  into.ok += from.ok
  into.bytesIn += from.bytesIn
  into.bytesOut += from.bytesOut
  addTallies(into.errors, from.errors)
  addTallies(into.statuses, from.statuses)
}

/**
 * Counts one request. `status` 0 means no HTTP answer came (then `error` says why). A timeout is a
 * latency of at least the timeout: recorded, so percentiles show the stall; other transport errors
 * have no latency to record.
 */
export function recordOutcome(e: OutcomeCounters, status: number, ok: boolean, error: TransportError | undefined, latencyMs: number, bytesIn: number, bytesOut: number): void {
  e.count++
  e.bytesIn += bytesIn
  e.bytesOut += bytesOut
  if (status !== 0) {
    e.statuses[status] = (e.statuses[status] ?? 0) + 1
    recordUs(e.latency, latencyMs * 1000)
    if (ok) e.ok++
    else e.errors.http = (e.errors.http ?? 0) + 1
    return
  }
  const kind = error ?? 'other'
  e.errors[kind] = (e.errors[kind] ?? 0) + 1
  if (kind === 'timeout') recordUs(e.latency, latencyMs * 1000)
}

/** Sorts a failed request (a Node socket, TLS or DNS error, ours or a library's) into refused, reset, timeout, dns, aborted or other. */
export function classifyTransportError(error: unknown): TransportError {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string } }
  const code = e?.code ?? e?.cause?.code
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused'
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset'
    case 'ETIMEDOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timeout'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns'
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return 'aborted'
  }
  if (e?.name === 'AbortError') return 'aborted'
  // autocannon reports its own request timeout as an error without a code.
  if (typeof e?.message === 'string' && /timed out/i.test(e.message)) return 'timeout'
  return 'other'
}
