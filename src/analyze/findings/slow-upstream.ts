import { missingComponent } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { componentFinding, dominatedBy, fmtMs, pct } from './server-timing-share.ts'
import { clamp01 } from './signals.ts'

/** A route waits on an external service: latency without CPU or database time. */
export const slowUpstream: FindingRule = {
  id: 'slow-upstream',
  kind: 'cause',
  missing: (s) => missingComponent(s, 'upstream', 'upstream-call', { name: 'upstream_mean_ms', exported: 'lms_upstream_duration_seconds' }),
  detect(s) {
    const endpoints = dominatedBy(s, 'upstream', 50, 0.3)
    if (endpoints.length > 0) {
      const queued = s.metrics?.max('upstream_queued') ?? 0
      return componentFinding(s, 'upstream', endpoints, {
        chart: 'res-upstream',
        id: 'slow-upstream',
        title: (top) => `${top} waits on a slow upstream service`,
        explain: (top, mean, share) => `${top.name} spends ${fmtMs(mean)} in calls to an external service (${pct(share)} of its latency)` +
          `${queued > 0 ? `; up to ${Math.round(queued)} calls queued for the service's concurrency limit` : ''}. The server is idle while it waits.`,
        recommendation: 'Take the call off the request path (queue it and report the result later), raise the concurrency the upstream allows, and give the call a timeout and a circuit breaker so a slow dependency cannot hold every request.',
      })
    }
    const mean = s.metrics?.mean('upstream_mean_ms') ?? 0
    if (mean >= 100) {
      return {
        id: 'slow-upstream', severity: 'warning', title: 'Calls to an upstream service are slow',
        explanation: `Upstream calls took ${fmtMs(mean)} on average (lms_upstream_duration_seconds).`,
        evidence: { chart: 'res-upstream', metric: 'lms_upstream_duration_seconds', values: { upstreamMeanMs: mean }, endpoints: [] },
        recommendation: 'Take the call off the request path, raise its concurrency, add a timeout and a circuit breaker.',
        confidence: 0.6, impact: clamp01(0.2),
      }
    }
    return undefined
  },
}
