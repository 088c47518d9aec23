// The Server-Timing component rules on synthetic series: an endpoint whose latency is mostly one
// component (lock waits, upstream calls, database time) is that rule's finding; below each rule's
// floor (mean and share of the endpoint's latency) it is not.
import { describe, expect, it } from 'vitest'
import { lockContention } from '../../../src/analyze/findings/lock-contention.ts'
import { slowQuery } from '../../../src/analyze/findings/slow-query.ts'
import { slowUpstream } from '../../../src/analyze/findings/slow-upstream.ts'
import { signalsFor } from '../../helpers/signals.ts'

/** One endpoint at `latencyMs` whose Server-Timing says `timing` (ms per component). */
const run = (latencyMs: number, timing: Record<string, number>) => signalsFor({
  seconds: 30,
  endpoints: [{ name: 'POST /api/quizzes/:id/attempts', count: () => 20, latencies: (_, n) => Array(n).fill(latencyMs), timing: () => timing }],
})

describe('Server-Timing component rules', () => {
  it.each([
    ['lock-contention: 40 ms of 100 waiting for locks', lockContention, 100, { lock: 40, app: 5 }, 'res-pool'],
    ['lock-contention: 8 ms of 20 (under its 10 ms floor)', lockContention, 20, { lock: 8, app: 5 }, undefined],
    ['lock-contention: 20 ms of 100 (under 30 %)', lockContention, 100, { lock: 20, app: 70 }, undefined],
    ['slow-upstream: 300 ms of 400 in an upstream call', slowUpstream, 400, { upstream: 300 }, 'res-upstream'],
    ['slow-upstream: 40 ms of 50 (under its 50 ms floor)', slowUpstream, 50, { upstream: 40 }, undefined],
    ['slow-query: 60 ms of 100 in the database', slowQuery, 100, { db: 60, app: 10 }, 'res-db'],
    ['slow-query: 30 ms of 100, but most of the work (app 10 ms)', slowQuery, 100, { db: 30, app: 10 }, 'res-db'],
    ['slow-query: 4 ms (under its 5 ms floor)', slowQuery, 10, { db: 4, app: 1 }, undefined],
    ['slow-query: 20 ms of 100 with 60 ms of own code', slowQuery, 100, { db: 20, app: 60 }, undefined],
  ] as const)('%s', (_, rule, latencyMs, timing, chart) => {
    const f = rule.detect(run(latencyMs, timing))
    expect(f?.evidence.chart).toBe(chart)
    if (f) expect(f.evidence.endpoints).toEqual(['POST /api/quizzes/:id/attempts'])
  })
})
