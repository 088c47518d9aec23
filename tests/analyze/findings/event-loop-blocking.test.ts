// event-loop-blocking on synthetic series: a p99 lag of 50 ms in at least two seconds (or one lag
// of 100 ms) with a route's own code long (Server-Timing app ≥ 10 ms) names that route.
import { describe, expect, it } from 'vitest'
import { eventLoopBlocking } from '../../../src/analyze/findings/event-loop-blocking.ts'
import { signalsFor } from '../../helpers/signals.ts'

const run = (lagMs: (t: number) => number, appMs: number) => signalsFor({
  seconds: 30,
  endpoints: [
    { name: 'POST /api/auth/login', count: () => 5, latencies: (_, n) => Array(n).fill(appMs + 40), timing: () => ({ app: appMs }) },
    { name: 'GET /api/courses/:id', count: () => 20, latencies: (_, n) => Array(n).fill(60), timing: () => ({ app: 1, db: 2 }) },
  ],
  resources: [{ source: 'target', kind: 'prometheus', metrics: (t) => ({ event_loop_lag_p99_ms: lagMs(t) }) }],
})

describe('event-loop-blocking', () => {
  it.each([
    ['lag of 5 ms throughout', () => 5, 80, undefined],
    ['lag of 60 ms in one second only', (t: number) => (t === 10 ? 60 : 5), 80, undefined],
    ['lag of 120 ms in one second', (t: number) => (t === 10 ? 120 : 5), 80, 'POST /api/auth/login'],
    ['lag of 60 ms in ten seconds', (t: number) => (t >= 10 && t < 20 ? 60 : 5), 80, 'POST /api/auth/login'],
  ] as const)('%s', (_, lag, appMs, culprit) => {
    const f = eventLoopBlocking.detect(run(lag, appMs))
    if (culprit === undefined) expect(f).toBeUndefined()
    else {
      expect(f?.title).toBe(`Synchronous work in ${culprit} blocks the event loop`)
      expect(f?.evidence.chart).toBe('res-loop')
    }
  })
})
