import { missingComponent } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { componentFinding, fmtMs, pct } from './server-timing-share.ts'
import type { EndpointSummary } from '../analysis.ts'
import { clamp01, componentMs, routeOf } from './signals.ts'

const MIN_DB_MS = 5
const MIN_SHARE = 0.4
// Many statements per request is N+1, not a slow statement: that rule speaks for those routes.
const MANY_QUERIES = 20

/** Server work of a request (database, upstream, own code), leaving out the time it waited. */
function workMs(e: EndpointSummary): number {
  return (e.serverTiming.db?.meanMs ?? 0) + (e.serverTiming.upstream?.meanMs ?? 0) + (e.serverTiming.app?.meanMs ?? 0)
}

/**
 * A route whose work is mostly database time in few statements: a slow query, often a missing
 * index. Slow statements inside transactions also make others wait for their locks and
 * connections, so those waits on the same routes count towards its impact.
 */
export const slowQuery: FindingRule = {
  id: 'slow-query',
  kind: 'cause',
  missing: (s) => missingComponent(s, 'db', 'database'),
  detect(s) {
    const endpoints = s.endpoints
      .filter((e) => {
        const db = e.serverTiming.db
        if (!db || db.meanMs < MIN_DB_MS || e.count < 5) return false
        if ((s.routes[routeOf(e.name)]?.db_queries_per_request ?? 0) >= MANY_QUERIES) return false
        return db.share >= MIN_SHARE || db.meanMs >= 0.5 * workMs(e)
      })
      .sort((a, b) => componentMs(b, 'db') - componentMs(a, 'db'))
    if (endpoints.length === 0) return undefined
    const finding = componentFinding(s, 'db', endpoints, {
      chart: 'res-db',
      id: 'slow-query',
      title: (top) => `Database time dominates ${top}`,
      explain: (top, mean, share) => {
        const queries = s.routes[routeOf(top.name)]?.db_queries_per_request
        return `${top.name} spends ${fmtMs(mean)} of its ${fmtMs(top.latencyMs?.mean ?? 0)} mean in the database (${pct(share)})` +
          `${queries ? `, in ${queries.toFixed(1)} statements per request` : ''}: a statement is slow, typically a lookup that scans a table for want of an index.`
      },
      recommendation: 'Run EXPLAIN (ANALYZE) on the statements this route issues and index the columns they filter and join on (for exam answers: attempt and question; for progress: learner and lesson). Check again with the same scenario.',
    })
    const induced = endpoints.reduce((t, e) => t + componentMs(e, 'lock') + componentMs(e, 'pool'), 0)
    finding.impact = clamp01(finding.impact + induced / Math.max(1, s.totalRequestMs))
    finding.severity = finding.impact >= 0.25 ? 'critical' : 'warning'
    return finding
  },
}
