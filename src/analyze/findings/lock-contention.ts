import { missingComponent } from './missing.ts'
import type { FindingRule } from './rule.ts'
import { componentFinding, dominatedBy, fmtMs, pct } from './server-timing-share.ts'
import { clamp01, componentMs } from './signals.ts'

/** Writers wait for each other's locks: latency rises while CPU and the database stay idle. */
export const lockContention: FindingRule = {
  id: 'lock-contention',
  kind: 'cause',
  missing: (s) => missingComponent(s, 'lock', 'lock-wait', { name: 'db_lock_wait_ratio', exported: 'lms_db_lock_wait_seconds_sum' }),
  detect(s) {
    const endpoints = dominatedBy(s, 'lock', 10, 0.3)
    if (endpoints.length > 0) {
      const finding = componentFinding(s, 'lock', endpoints, {
        chart: 'res-pool',
        id: 'lock-contention',
        title: (top) => `Writers wait for locks on ${top}`,
        explain: (top, mean, share) => `${top.name} waits ${fmtMs(mean)} for the write lock or a row lock (${pct(share)} of its latency): ` +
          'concurrent transactions touch the same rows (a shared counter, a summary row) or hold their locks across slow work, so they run one after another.',
        recommendation: 'Keep write transactions short (no network calls or sleeps inside), move hot counters out of shared rows (append and aggregate later, or a separate counter table), and take locks in a consistent order.',
      })
      // Transactions that wait for locks keep their connections: the pool waits that follow are this cause's.
      const pooled = s.endpoints.reduce((t, e) => t + componentMs(e, 'pool'), 0)
      finding.impact = clamp01(finding.impact + pooled / Math.max(1, s.totalRequestMs))
      finding.severity = finding.impact >= 0.25 ? 'critical' : 'warning'
      return finding
    }
    const ratio = s.metrics?.mean('db_lock_wait_ratio') ?? 0
    if (ratio >= 0.5) {
      return {
        id: 'lock-contention', severity: 'warning', title: 'Transactions wait for each other\'s locks',
        explanation: `Requests spent ${ratio.toFixed(2)} seconds per second waiting for locks (lms_db_lock_wait_seconds).`,
        evidence: { chart: 'res-pool', metric: 'lms_db_lock_wait_seconds', values: { lockWaitSecondsPerSecond: ratio }, endpoints: [] },
        recommendation: 'Keep write transactions short and move hot counters out of shared rows.',
        confidence: 0.6, impact: clamp01(0.3 * Math.min(1, ratio)),
      }
    }
    return undefined
  },
}
