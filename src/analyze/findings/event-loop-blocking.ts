import { missingMetric } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { clamp01, componentMs, endpointMs, fmtMs, pct } from './signals.ts'

/** Event-loop lag (p99 of a second) from which the loop counts as blocked. */
export const LAG_MS = 50
// Routes whose own work is typically password hashing: only there is hashing advice given.
const HASHING_ROUTE = /\b(login|log-in|signin|sign-in|auth|session|sessions|token|tokens|password|register|signup)\b/i

/** Time of a request neither in a Server-Timing component nor on the wire: queueing in the server. */
function queueingMs(e: Parameters<typeof endpointMs>[0]): number {
  const server = ['db', 'lock', 'pool', 'upstream', 'app'].reduce((t, c) => t + (e.serverTiming[c]?.meanMs ?? 0), 0)
  return server > 0 && e.latencyMs ? Math.max(0, e.latencyMs.mean - server) * e.count : 0
}

/** Synchronous work holds the event loop: every request queues behind the busy route. */
export const eventLoopBlocking: FindingRule = {
  id: 'event-loop-blocking',
  kind: 'cause',
  missing: (s) => missingMetric(s, 'event_loop_lag_p99_ms', 'event-loop lag', 'nodejs_eventloop_lag_p99_seconds (prom-client\'s default metrics)', 3),
  detect(s) {
    const lag = s.metrics?.values('event_loop_lag_p99_ms') ?? []
    if (lag.length < 3) return undefined
    const lagged = lag.filter((v) => v >= LAG_MS).length
    const maxLag = Math.max(...lag, ...(s.metrics?.values('event_loop_lag_max_ms') ?? []))
    // A blocked loop also answers its own /metrics late: one sample may carry the whole block.
    if (maxLag < 100 && lagged < 2) return undefined
    // The culprit: the route whose own (app) time is longest, from Server-Timing. Its share may be
    // small: under blocking, every route's latency is mostly queueing behind the culprit.
    const culprits = s.endpoints
      .filter((e) => (e.serverTiming.app?.meanMs ?? 0) >= 10)
      .sort((a, b) => componentMs(b, 'app') - componentMs(a, 'app'))
    const appMs = culprits.reduce((t, e) => t + componentMs(e, 'app'), 0)
    // While the loop is blocked, requests also sit on locks and connections held by requests that
    // cannot run: those waits are this cause's, not the database's.
    const queued = s.endpoints.reduce((t, e) => t + queueingMs(e) + componentMs(e, 'lock') + componentMs(e, 'pool'), 0)
    const withTiming = s.endpoints.some((e) => e.serverTiming.app)
    const impact = clamp01(withTiming ? (appMs + queued) / Math.max(1, s.totalRequestMs) : (0.5 * lagged) / lag.length)
    if (withTiming && culprits.length === 0 && impact < 0.1) return undefined
    const top = culprits[0]
    return {
      id: 'event-loop-blocking',
      severity: impact >= 0.25 ? 'critical' : 'warning',
      title: top ? `Synchronous work in ${top.name} blocks the event loop` : 'The event loop is blocked',
      explanation: `The target's event-loop lag reached ${fmtMs(maxLag)} (p99 above ${LAG_MS} ms in ${lagged} of ${lag.length} seconds)` +
        (top ? `; ${top.name} spends ${fmtMs(top.serverTiming.app!.meanMs)} per request in its own code (${pct(top.serverTiming.app!.share)} of its latency), and every other request waits behind it.` : '.') +
        ` Waiting and blocked time is ${pct(impact)} of all request time.`,
      evidence: {
        chart: 'res-loop',
        metric: 'nodejs_eventloop_lag_p99_seconds',
        values: { lagMaxMs: Math.round(maxLag), secondsLagged: lagged, ...(top ? { appMeanMs: Number(top.serverTiming.app!.meanMs.toFixed(1)) } : {}) },
        endpoints: culprits.slice(0, 3).map((e) => e.name),
      },
      recommendation: `Move the CPU-heavy work${top ? ` of ${top.name}` : ''} off the event loop: an async API, a worker thread or a job queue, or precompute it; keep per-request synchronous work under a few milliseconds.` +
        (top && HASHING_ROUTE.test(top.name) ? ' On a sign-in route the usual culprit is password hashing: use crypto.scrypt or bcrypt\'s async call, not scryptSync or hashSync.' : ''),
      confidence: top ? 0.85 : 0.6,
      impact,
    }
  },
}

export { endpointMs }
