// error-burst on synthetic series: HTTP error statuses on at least 0.5 % of requests are the finding
// (critical from 1 %), with the second they start from; transport errors are another rule's.
import { describe, expect, it } from 'vitest'
import { errorBurst } from '../../../src/analyze/findings/error-burst.ts'
import { signalsFor } from '../../helpers/signals.ts'

/** 100 requests a second for 40 s; from second `from`, `perSecond` of them answer 503 (or time out). */
const run = (from: number, perSecond: number, kind: 'http' | 'timeout' = 'http') => signalsFor({
  seconds: 40,
  endpoints: [{
    name: 'POST /api/quizzes/:id/attempts', count: () => 100, latencies: (_, n) => Array(n).fill(30),
    errors: (t): Record<string, number> => (t >= from ? { [kind]: perSecond } : {}),
    statuses: (t, ok): Record<string, number> => (t >= from && kind === 'http' ? { 200: ok, 503: perSecond } : { 200: ok }),
  }],
})

describe('error-burst', () => {
  it.each([
    ['no errors', 40, 0, undefined, undefined],
    ['0.25 % of requests (below 0.5 %)', 30, 1, undefined, undefined],
    ['0.75 % of requests', 10, 1, 'warning', 10],
    ['10 % from second 20', 20, 20, 'critical', 20],
  ] as const)('%s', (_, from, perSecond, severity, onset) => {
    const f = errorBurst.detect(run(from, perSecond))
    expect(f?.severity).toBe(severity)
    if (f) {
      expect(f.title).toContain(`from second ${onset}`)
      expect(f.evidence.chart).toBe('errors')
    }
  })

  it('timeouts are not HTTP errors: no error burst (connection-failures reports them)', () => {
    expect(errorBurst.detect(run(10, 20, 'timeout'))).toBeUndefined()
  })
})
