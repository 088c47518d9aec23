// n-plus-one on synthetic series: a route issuing 20 or more statements per request (the target's
// lms_db_queries_per_request by route) is the finding, critical from 30.
import { describe, expect, it } from 'vitest'
import { nPlusOne } from '../../../src/analyze/findings/n-plus-one.ts'
import { signalsFor } from '../../helpers/signals.ts'

const run = (queries: number) => signalsFor({
  seconds: 30,
  endpoints: [{ name: 'GET /api/courses/:id/modules', count: () => 20, latencies: (_, n) => Array(n).fill(80), timing: () => ({ db: 20, app: 2 }) }],
  resources: [{ source: 'target', kind: 'prometheus', metrics: () => ({ cpu_ratio: 0.3 }), routes: () => ({ '/api/courses/:id/modules': { db_queries_per_request: queries } }) }],
})

describe('n-plus-one', () => {
  it.each([
    [8, undefined],
    [19, undefined],
    [22, 'warning'],
    [40, 'critical'],
  ] as const)('%s statements per request', (queries, severity) => {
    const f = nPlusOne.detect(run(queries))
    expect(f?.severity).toBe(severity)
    if (f) {
      expect(f.title).toBe(`GET /api/courses/:id/modules runs ${queries} database statements per request`)
      expect(f.evidence.chart).toBe('res-db')
    }
  })
})
