// The cache rules on synthetic series, from Server-Timing's cache outcomes (`cache;desc=hit|miss|coalesced`):
// cache-ineffective when under a fifth of lookups hit; cache-stampede when a route that mostly hits
// still rebuilds its entry ten times or more with hardly any reader waiting on a rebuild.
import { describe, expect, it } from 'vitest'
import { cacheIneffective } from '../../../src/analyze/findings/cache-ineffective.ts'
import { cacheStampede } from '../../../src/analyze/findings/cache-stampede.ts'
import { signalsFor } from '../../helpers/signals.ts'

/** 20 s of a course page; each second `hit`, `miss` and `coalesced` lookups of its cache. */
const run = (hit: number, miss: number, coalesced: number) => signalsFor({
  seconds: 20,
  endpoints: [{
    name: 'GET /api/courses/:id', count: () => 20, latencies: (_, n) => Array(n).fill(60), timing: () => ({ db: 30, cache: 1 }),
    timingDesc: () => ({ 'cache=hit': hit, 'cache=miss': miss, 'cache=coalesced': coalesced }),
  }],
})

describe('cache-ineffective', () => {
  it.each([
    ['1 hit in 20 lookups', 1, 19, 0, 'The cache hits only 5.0 % of lookups'],
    ['3 hits and a coalesced read in 20 (20 %)', 3, 16, 1, undefined],
    ['19 hits in 20', 19, 1, 0, undefined],
  ] as const)('%s', (_, hit, miss, coalesced, title) => {
    const f = cacheIneffective.detect(run(hit, miss, coalesced))
    expect(f?.title).toBe(title)
    if (f) expect(f.evidence.chart).toBe('res-cache')
  })
})

describe('cache-stampede', () => {
  it.each([
    ['15 hits, 5 misses a second, nobody waiting', 15, 5, 0, 'Cache stampedes: 100 rebuilds on GET /api/courses/:id'],
    ['15 hits, 5 misses, 5 readers waiting on a rebuild (single-flight works)', 10, 5, 5, undefined],
    ['more misses than hits (the cache is not working: the other rule)', 5, 15, 0, undefined],
  ] as const)('%s', (_, hit, miss, coalesced, title) => {
    const f = cacheStampede.detect(run(hit, miss, coalesced))
    expect(f?.title).toBe(title)
    if (f) expect(f.evidence.chart).toBe('res-cache')
  })
})
