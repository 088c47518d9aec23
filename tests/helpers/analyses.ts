// Analyses the report writers render in tests: produced by the real analyzer from synthetic runs,
// so every number in them is one the analyzer could have written.
import { analyzeRun } from '../../src/analyze/analyze.ts'
import type { Analysis } from '../../src/analyze/analysis.ts'
import { spread, syntheticRun } from './synthetic-run.ts'
import { withSentence } from '../../src/app/analyze.ts'

/** A run in trouble: an event-loop stall, an error burst, a failing and a passing budget. */
export function troubledAnalysis(options: { slowdown?: number } = {}): Analysis {
  const k = options.slowdown ?? 1
  const stall = (t: number) => t >= 20 && t < 35
  const burst = (t: number) => t >= 40 && t < 48
  const { run, histograms } = syntheticRun({
    seconds: 60,
    endpoints: [
      { name: 'GET /api/me', count: () => 50, latencies: (t, n) => spread(n, k * (stall(t) ? 60 : 1), k * (stall(t) ? 250 : 3)), timing: () => ({ db: 0.3, app: 0.3 }) },
      {
        name: 'POST /api/quizzes/:id/attempts', count: () => 12, latencies: (t, n) => spread(n, stall(t) ? 200 : 8, stall(t) ? 420 : 12), timing: () => ({ db: 1, app: 25 }),
        errors: (t): Record<string, number> => (burst(t) ? { http: 4, timeout: 2 } : {}), statuses: (t, ok) => ({ 200: ok, ...(burst(t) ? { 503: 4 } : {}) }),
      },
      { name: 'GET /a|b <weird> & "name"', count: () => 2, latencies: (_t, n) => spread(n, 2, 4) },
    ],
    resources: [
      { source: 'target', kind: 'prometheus', metrics: (t) => ({ cpu_ratio: stall(t) ? 0.97 : 0.25, event_loop_lag_p99_ms: stall(t) ? 240 : 11, event_loop_lag_max_ms: stall(t) ? 300 : 13, event_loop_utilization: stall(t) ? 1 : 0.2, heap_used_bytes: 60e6 + t * 1e5, db_time_ratio: 0.1, db_pool_size: 8, db_pool_in_use: 1, db_pool_waiting: 0, cache_hit_ratio: 0.9 }) },
      { source: 'target:process', kind: 'process', metrics: (t) => ({ cpu_ratio: stall(t) ? 0.97 : 0.25, rss_bytes: 150e6, processes: 1 }) },
      { source: 'generator', kind: 'process', metrics: () => ({ cpu_ratio: 0.2, rss_bytes: 90e6, processes: 1 }) },
    ],
    budgets: { overall: ['errors < 1%'], 'POST /api/quizzes/:id/attempts': ['p95 < 100ms', 'p99 < 2s'] },
  })
  return withSentence(analyzeRun(run, histograms, { generatedAt: '2026-11-23T00:00:00.000Z' }))
}

/**
 * A capacity ladder: six steady steps, throughput flattening and latency bending up. Its run.json
 * records the ladder (as `lmsload capacity` does), so the analysis computes the capacity section.
 */
export function ladderAnalysis(options: { slo?: string; seconds?: number } = {}): Analysis {
  const step = (t: number) => Math.min(6, Math.floor(t / 20) + 1)
  const x = (k: number) => [40, 80, 120, 150, 160, 150][k - 1]!
  const { run, histograms } = syntheticRun({
    seconds: options.seconds ?? 120,
    endpoints: [{ name: 'POST /api/attempts', count: (t) => x(step(t)), latencies: (t, n) => spread(n, 8 * (1 + (step(t) / 4) ** 4), 12 * (1 + (step(t) / 4) ** 4)) }],
    arrivals: (t) => ({ planned: x(step(t)), started: x(step(t)), dropped: 0 }),
    active: (t) => x(step(t)) / 5,
    profile: { kind: 'steps', stages: [1, 2, 3, 4, 5, 6].map((k) => ({ rate: x(k), durationSec: 20 })) },
    resources: [{ source: 'target:process', kind: 'process', metrics: (t) => ({ cpu_ratio: Math.min(2, step(t) / 3), rss_bytes: 100e6, processes: 1 }) }],
  })
  run.run.capacity = { mode: 'ladder', slo: options.slo ?? 'p95 < 100ms', errorBudget: 0.01, from: 40, to: 150, steps: 6, holdMs: 20_000, plan: { currentPeak: 20, growthPerYear: 0.3 } }
  return withSentence(analyzeRun(run, histograms, { generatedAt: '2026-11-23T00:00:00.000Z' }))
}
