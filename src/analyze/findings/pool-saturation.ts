import { missingComponent } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { componentFinding, dominatedBy, fmtMs, pct } from './server-timing-share.ts'
import { clamp01 } from './signals.ts'

/** Requests wait for a database connection while the database itself is not the slow part. */
export const poolSaturation: FindingRule = {
  id: 'pool-saturation',
  kind: 'cause',
  missing: (s) => missingComponent(s, 'pool', 'connection-pool wait', { name: 'db_pool_waiting', exported: 'lms_db_pool_waiting' }),
  detect(s) {
    // A right-sized pool has connections free: waits of a millisecond are already a queue.
    const endpoints = dominatedBy(s, 'pool', 1, 0.1)
    const waiting = s.metrics?.mean('db_pool_waiting') ?? 0
    const waitMs = s.metrics?.mean('db_pool_wait_mean_ms') ?? 0
    const pooled = s.endpoints.reduce((t, e) => t + (e.serverTiming.pool?.meanMs ?? 0) * e.count, 0)
    if (endpoints.length > 0 && pooled >= 0.03 * s.totalRequestMs) {
      return componentFinding(s, 'pool', endpoints, {
        chart: 'res-pool',
        id: 'pool-saturation',
        title: (top) => `Requests queue for a database connection (${top})`,
        explain: (top, mean, share) => `${top.name} waits ${fmtMs(mean)} for a free connection (${pct(share)} of its latency)` +
          `${waiting ? `; on average ${waiting.toFixed(1)} requests were waiting for the pool` : ''}: the pool is too small for the concurrency, and latency grows while the CPU idles.`,
        recommendation: 'Size the connection pool to the concurrency the database can serve (e.g. --pool-size 16, or max_connections / instances), or put a pooler such as PgBouncer in front; keep transactions short so connections return quickly.',
      })
    }
    if (waiting >= 1 && waitMs >= 5) {
      const impact = clamp01(0.2 * Math.min(1, waitMs / 50))
      return {
        id: 'pool-saturation', severity: 'warning', title: 'Requests queue for a database connection',
        explanation: `On average ${waiting.toFixed(1)} requests waited ${fmtMs(waitMs)} for a connection (lms_db_pool_*).`,
        evidence: { chart: 'res-pool', metric: 'lms_db_pool_waiting', values: { waiting, waitMeanMs: waitMs }, endpoints: [] },
        recommendation: 'Size the connection pool to the concurrency the database can serve, or add a pooler.',
        confidence: 0.6, impact,
      }
    }
    return undefined
  },
}
