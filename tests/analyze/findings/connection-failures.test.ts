// connection-failures on synthetic series: any request without an HTTP answer (refused, reset,
// timeout) is the finding, critical from 1 % of requests; HTTP error statuses are not.
import { describe, expect, it } from 'vitest'
import { connectionFailures } from '../../../src/analyze/findings/connection-failures.ts'
import { signalsFor } from '../../helpers/signals.ts'

const run = (errors: (t: number) => Record<string, number>) => signalsFor({
  seconds: 30,
  endpoints: [{ name: 'GET /api/courses/:id', count: () => 100, latencies: (_, n) => Array(n).fill(30), errors }],
})

describe('connection-failures', () => {
  it.each([
    ['none', (): Record<string, number> => ({}), undefined, ''],
    ['one refused connection in the run', (t: number): Record<string, number> => (t === 5 ? { refused: 1 } : {}), 'warning', '1 requests got no response (1 refused)'],
    ['5 s of resets and timeouts (an outage)', (t: number): Record<string, number> => (t >= 10 && t < 15 ? { reset: 60, timeout: 40 } : {}), 'critical', '500 requests got no response (300 reset, 200 timeout)'],
    ['HTTP 503s only', (): Record<string, number> => ({ http: 10 }), undefined, ''],
  ] as const)('%s', (_, errors, severity, title) => {
    const f = connectionFailures.detect(run(errors))
    expect(f?.severity).toBe(severity)
    if (f) {
      expect(f.title).toBe(title)
      expect(f.evidence.chart).toBe('errors')
    }
  })
})
