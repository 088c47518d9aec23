// pool-saturation on synthetic series: Server-Timing `pool` of at least 1 ms and 10 % of an
// endpoint's latency (and 3 % of all request time) is the finding; without Server-Timing, the
// pool's own metrics (on average one request waiting at least 5 ms) give a warning.
import { describe, expect, it } from 'vitest'
import { poolSaturation } from '../../../src/analyze/findings/pool-saturation.ts'
import { signalsFor } from '../../helpers/signals.ts'

const withTiming = (poolMs: number) => signalsFor({
  seconds: 30,
  endpoints: [{ name: 'GET /api/courses/:id', count: () => 20, latencies: (_, n) => Array(n).fill(50), timing: () => ({ pool: poolMs, db: 5 }) }],
})
const withMetrics = (waiting: number, waitMs: number) => signalsFor({
  seconds: 30,
  endpoints: [{ name: 'GET /api/courses/:id', count: () => 20, latencies: (_, n) => Array(n).fill(50) }],
  resources: [{ source: 'target', kind: 'prometheus', metrics: () => ({ db_pool_waiting: waiting, db_pool_wait_mean_ms: waitMs }) }],
})

describe('pool-saturation', () => {
  it.each([
    ['20 ms of 50 waiting for the pool', 20, true],
    ['6 ms of 50 (12 %)', 6, true],
    ['4 ms of 50 (8 %, under a tenth)', 4, false],
    ['0.5 ms (under a millisecond)', 0.5, false],
  ] as const)('Server-Timing: %s', (_, poolMs, found) => {
    const f = poolSaturation.detect(withTiming(poolMs))
    expect(f !== undefined).toBe(found)
    if (f) {
      expect(f.evidence.chart).toBe('res-pool')
      expect(f.evidence.endpoints).toEqual(['GET /api/courses/:id'])
    }
  })

  it.each([
    [2, 20, 'warning'],
    [0.5, 20, undefined],
    [2, 3, undefined],
  ] as const)('pool metrics: %s waiting for %s ms → %s', (waiting, waitMs, severity) => {
    const f = poolSaturation.detect(withMetrics(waiting, waitMs))
    expect(f?.severity).toBe(severity)
    if (f) expect(f.evidence.metric).toBe('lms_db_pool_waiting')
  })
})
