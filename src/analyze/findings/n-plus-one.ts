import { missingStatementCounts } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { clamp01, componentMs, endpointMs, fmtMs, routeOf } from './signals.ts'

// Transactional routes issue 5–15 statements; a list loaded item by item issues dozens.
const MANY_QUERIES = 20

/** Tens of statements per request: a loop issuing one query per item (N+1). */
export const nPlusOne: FindingRule = {
  id: 'n-plus-one',
  kind: 'cause',
  missing: missingStatementCounts,
  detect(s) {
    const hits = s.endpoints
      .map((e) => ({ e, queries: s.routes[routeOf(e.name)]?.db_queries_per_request ?? 0 }))
      .filter((x) => x.queries >= MANY_QUERIES && x.e.count >= 5)
      .sort((a, b) => b.queries - a.queries)
    if (hits.length === 0) return undefined
    // The share of time that a single aggregate statement would have saved.
    const spent = hits.reduce((t, { e, queries }) => {
      const db = componentMs(e, 'db') || ((s.routes[routeOf(e.name)]?.db_time_mean_ms ?? 0) * e.count) || endpointMs(e) * 0.5
      return t + db * (1 - 2 / queries)
    }, 0)
    const impact = clamp01(spent / Math.max(1, s.totalRequestMs))
    const top = hits[0]!
    return {
      id: 'n-plus-one',
      severity: impact >= 0.25 || top.queries >= 30 ? 'critical' : 'warning',
      title: `${top.e.name} runs ${Math.round(top.queries)} database statements per request`,
      explanation: `${top.e.name} issues ${top.queries.toFixed(1)} statements per request on average (${fmtMs(top.e.latencyMs?.mean ?? 0)} mean latency): ` +
        'one query per item of a list, the N+1 pattern. Each round trip is cheap, but they add up with the size of the list and multiply under load.',
      evidence: {
        chart: 'res-db',
        metric: 'lms_db_queries_per_request',
        values: Object.fromEntries(hits.slice(0, 5).map((h) => [h.e.name, Number(h.queries.toFixed(1))])),
        endpoints: hits.map((h) => h.e.name),
      },
      recommendation: 'Fetch the list and its details in one statement (a join or an aggregate subquery), or batch the per-item lookups (WHERE id IN (…)); an ORM usually has an eager-loading option for this.',
      confidence: 0.85,
      impact,
    }
  },
}
