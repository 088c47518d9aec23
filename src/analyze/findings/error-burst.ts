import type { FindingRule } from './rule.ts'
import { clamp01, pct } from './signals.ts'

/** Errors appear in bursts, from a load level onwards. */
export const errorBurst: FindingRule = {
  id: 'error-burst',
  kind: 'cause',
  detect(s) {
    const o = s.overall
    if (o.count === 0) return undefined
    const httpErrors = o.errorsByKind.http ?? 0
    if (httpErrors === 0 || httpErrors / o.count < 0.005) return undefined
    const { errors, throughput, arrivalsStarted, active } = s.series
    const bad = errors.map((e, i) => (e >= 3 && e / Math.max(1, throughput[i]!) >= 0.05 ? i : -1)).filter((i) => i >= 0)
    const onset = bad[0] ?? errors.findIndex((e) => e > 0)
    const statuses = Object.entries(o.statuses).filter(([code]) => Number(code) >= 400).sort((a, b) => b[1] - a[1])
    const share = httpErrors / o.count
    const worst = s.endpoints.filter((e) => (e.errorsByKind.http ?? 0) > 0).sort((a, b) => (b.errorsByKind.http ?? 0) - (a.errorsByKind.http ?? 0))
    return {
      id: 'error-burst',
      severity: share >= 0.01 ? 'critical' : 'warning',
      title: `${pct(share)} of requests failed with HTTP errors${onset >= 0 ? ` from second ${onset}` : ''}`,
      explanation: `${httpErrors} responses had an error status (${statuses.slice(0, 3).map(([c, n]) => `${n}× ${c}`).join(', ')})` +
        `${onset >= 0 ? `, starting at second ${onset} with ${arrivalsStarted[onset] ?? 0} arrivals that second and ${active[onset] ?? 0} active learners` : ''}` +
        `${bad.length ? `; ${bad.length} seconds had 5 % or more errors` : ''}. Most on ${worst.slice(0, 3).map((e) => e.name).join(', ')}.`,
      evidence: {
        chart: 'errors',
        metric: 'http statuses',
        values: { errorShare: Number(share.toFixed(4)), errorSeconds: bad.length, ...Object.fromEntries(statuses.slice(0, 5)) },
        ...(onset >= 0 ? { window: { startSec: onset, endSec: (bad[bad.length - 1] ?? onset) + 1 } } : {}),
        endpoints: worst.slice(0, 5).map((e) => e.name),
      },
      recommendation: '5xx under load usually mean an exhausted resource (connections, pool, file handles) or a timeout inside the server: read the server log for the onset second; 429 and 503 mean a limit was reached by design. Fix the cause, then re-run to find the new onset load.',
      confidence: 0.9,
      impact: clamp01(share * 5),
    }
  },
}
