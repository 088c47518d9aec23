// Request outcomes have one owner (src/metrics/outcome.ts), used by the engine, the imports and the
// probe: a table of what each kind of outcome does to a second's counters.
import { describe, expect, it } from 'vitest'
import { latencyHistogram } from '../../src/metrics/histogram.ts'
import { addJourneyCounts, journeyCounts } from '../../src/metrics/interval.ts'
import { addOutcomeCounts, classifyTransportError, recordOutcome, type OutcomeCounters } from '../../src/metrics/outcome.ts'

const counters = (): OutcomeCounters => ({ count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0, latency: latencyHistogram() })

describe('recordOutcome', () => {
  it.each([
    ['an expected answer', 200, true, undefined, { count: 1, ok: 1, errors: {}, statuses: { 200: 1 }, bytesIn: 500, bytesOut: 80 }, 1],
    ['an unexpected status', 503, false, undefined, { count: 1, ok: 0, errors: { http: 1 }, statuses: { 503: 1 }, bytesIn: 500, bytesOut: 80 }, 1],
    ['a timeout: no status, its latency kept', 0, false, 'timeout', { count: 1, ok: 0, errors: { timeout: 1 }, statuses: {}, bytesIn: 500, bytesOut: 80 }, 1],
    ['a refused connection: no latency', 0, false, 'refused', { count: 1, ok: 0, errors: { refused: 1 }, statuses: {}, bytesIn: 500, bytesOut: 80 }, 0],
    ['no status and no reason: other', 0, false, undefined, { count: 1, ok: 0, errors: { other: 1 }, statuses: {}, bytesIn: 500, bytesOut: 80 }, 0],
  ] as const)('%s', (_, status, ok, error, expected, latencies) => {
    const c = counters()
    recordOutcome(c, status, ok, error, 42, 500, 80)
    const { latency, ...rest } = c
    expect(rest).toEqual(expected)
    expect(latency.totalCount).toBe(latencies)
    if (latencies) expect(latency.getValueAtPercentile(50) / 1000).toBeCloseTo(42, 0)
  })
})

describe('addOutcomeCounts', () => {
  it('adds counts field by field and tallies key by key, leaving the sources alone', () => {
    const a = counters()
    const b = counters()
    recordOutcome(a, 200, true, undefined, 5, 100, 10)
    recordOutcome(a, 0, false, 'reset', 5, 0, 10)
    recordOutcome(b, 200, true, undefined, 5, 300, 20)
    recordOutcome(b, 404, false, undefined, 5, 50, 20)
    const sum = { count: 0, ok: 0, errors: {}, statuses: {}, bytesIn: 0, bytesOut: 0 }
    addOutcomeCounts(sum, a)
    addOutcomeCounts(sum, b)
    expect(sum).toEqual({ count: 4, ok: 2, errors: { reset: 1, http: 1 }, statuses: { 200: 2, 404: 1 }, bytesIn: 450, bytesOut: 60 })
    expect(a.statuses).toEqual({ 200: 1 })
  })
})

describe('classifyTransportError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'EPIPE' }, 'reset'],
    [{ cause: { code: 'UND_ERR_SOCKET' } }, 'reset'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ name: 'AbortError' }, 'aborted'],
    [new Error('request timed out'), 'timeout'],
    [new Error('something else'), 'other'],
  ] as const)('%j is %s', (error, kind) => {
    expect(classifyTransportError(error)).toBe(kind)
  })
})

describe('journey counters', () => {
  it('start at zero and add counter by counter', () => {
    const into = journeyCounts()
    addJourneyCounts(into, { started: 3, completed: 1, failed: 1, interrupted: 1 })
    addJourneyCounts(into, { started: 2, completed: 2, failed: 0, interrupted: 0 })
    expect(into).toEqual({ started: 5, completed: 3, failed: 1, interrupted: 1 })
  })
})
