import type { FindingRule } from './rule.ts'
import { componentFinding, dominatedBy, fmtMs, pct } from './server-timing-share.ts'
import { routeOf } from './signals.ts'

const MIN_DB_MS = 5
const MIN_SHARE = 0.4
// Many statements per request is N+1, not a slow statement: that rule speaks for those routes.
const MANY_QUERIES = 10

/** A route whose latency is mostly database time in few statements: a slow query, often a missing index. */
export const slowQuery: FindingRule = {
  id: 'slow-query',
  kind: 'cause',
  detect(s) {
    const endpoints = dominatedBy(s, 'db', MIN_DB_MS, MIN_SHARE).filter((e) => (s.routes[routeOf(e.name)]?.db_queries_per_request ?? 0) < MANY_QUERIES)
    if (endpoints.length === 0) return undefined
    const finding = componentFinding(s, 'db', endpoints, {
      id: 'slow-query',
      title: (top) => `Database time dominates ${top}`,
      explain: (top, mean, share) => {
        const queries = s.routes[routeOf(top.name)]?.db_queries_per_request
        return `${top.name} spends ${fmtMs(mean)} of its ${fmtMs(top.latencyMs?.mean ?? 0)} mean in the database (${pct(share)})` +
          `${queries ? `, in ${queries.toFixed(1)} statements per request` : ''}: a statement is slow, typically a lookup that scans a table for want of an index.`
      },
      recommendation: 'Run EXPLAIN (ANALYZE) on the statements this route issues and index the columns they filter and join on (for exam answers: attempt and question; for progress: learner and lesson). Check again with the same scenario.',
    })
    return finding
  },
}
