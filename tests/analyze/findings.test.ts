// Each finding rule on synthetic runs: the signature it looks for (positive) and a near miss (negative).
import { describe, expect, it } from 'vitest'
import { analyzeRun } from '../../src/analyze/analyze.ts'
import { spread, syntheticRun, type SyntheticRun } from '../helpers/synthetic-run.ts'

function findings(spec: Partial<SyntheticRun> & Pick<SyntheticRun, 'endpoints'>) {
  const { run, histograms } = syntheticRun({ seconds: 30, ...spec })
  return analyzeRun(run, histograms, { generatedAt: 'now' }).findings
}

const ids = (spec: Parameters<typeof findings>[0]) => findings(spec).map((f) => f.id)
const top = (spec: Parameters<typeof findings>[0]) => findings(spec)[0]?.id

const fast = { name: 'GET /api/me', count: () => 50, latencies: (_t: number, n: number) => spread(n, 1, 3), timing: () => ({ db: 0.3, app: 0.3 }) }
const metrics = (f: (t: number) => Record<string, number>, routes?: (t: number) => Record<string, Record<string, number>>) =>
  ({ source: 'target', kind: 'prometheus', metrics: f, ...(routes ? { routes } : {}) })
const idleTarget = metrics(() => ({ cpu_ratio: 0.2, event_loop_lag_p99_ms: 11, event_loop_lag_max_ms: 12, heap_used_bytes: 50e6, external_memory_bytes: 5e6 }))

describe('finding rules', () => {
  it('healthy traffic yields nothing', () => {
    expect(ids({ endpoints: [fast], resources: [idleTarget] })).toEqual([])
  })

  it('slow-query: database time dominates a route in few statements', () => {
    const answers = { name: 'PUT /answers/:id', count: () => 20, latencies: (_t: number, n: number) => spread(n, 30, 40), timing: () => ({ db: 30, app: 1 }) }
    expect(top({ endpoints: [fast, answers], resources: [idleTarget] })).toBe('slow-query')
    const quick = { ...answers, latencies: (_t: number, n: number) => spread(n, 2, 4), timing: () => ({ db: 2, app: 1 }) }
    expect(ids({ endpoints: [fast, quick], resources: [idleTarget] })).not.toContain('slow-query')
  })

  it('n-plus-one: tens of statements per request on a route', () => {
    const dashboard = { name: 'GET /api/me/dashboard', count: () => 20, latencies: (_t: number, n: number) => spread(n, 10, 14), timing: () => ({ db: 9, app: 1 }) }
    const routes = (q: number) => () => ({ '/api/me/dashboard': { db_queries_per_request: q, db_time_mean_ms: 9 } })
    expect(top({ endpoints: [fast, dashboard], resources: [metrics(() => ({ cpu_ratio: 0.2 }), routes(55))] })).toBe('n-plus-one')
    expect(ids({ endpoints: [fast, dashboard], resources: [metrics(() => ({ cpu_ratio: 0.2 }), routes(3))] })).not.toContain('n-plus-one')
  })

  it('pool-saturation: requests wait for connections while statements are fast', () => {
    const pooled = { name: 'GET /api/x', count: () => 30, latencies: (_t: number, n: number) => spread(n, 20, 30), timing: () => ({ db: 1, pool: 18, app: 1 }) }
    expect(top({ endpoints: [fast, pooled], resources: [idleTarget] })).toBe('pool-saturation')
    expect(ids({ endpoints: [fast, { ...pooled, timing: () => ({ db: 1, pool: 0.05, app: 1 }) }], resources: [idleTarget] })).not.toContain('pool-saturation')
  })

  it('lock-contention: writers wait for locks, and the pool waits that follow are counted with it', () => {
    const answers = { name: 'PUT /answers/:id', count: () => 20, latencies: (_t: number, n: number) => spread(n, 100, 150), timing: () => ({ db: 1, lock: 100, pool: 10, app: 1 }) }
    const f = findings({ endpoints: [fast, answers], resources: [idleTarget] })
    expect(f[0]!.id).toBe('lock-contention')
    expect(f.find((x) => x.id === 'pool-saturation')?.impact ?? 0).toBeLessThan(f[0]!.impact)
  })

  it('slow-upstream: a route waits on an external call', () => {
    const start = { name: 'POST /attempts', count: () => 10, latencies: (_t: number, n: number) => spread(n, 300, 320), timing: () => ({ db: 1, upstream: 300, app: 1 }) }
    expect(top({ endpoints: [fast, start], resources: [idleTarget] })).toBe('slow-upstream')
    expect(ids({ endpoints: [fast, { ...start, latencies: (_t: number, n: number) => spread(n, 6, 8), timing: () => ({ db: 1, upstream: 5, app: 1 }) }], resources: [idleTarget] })).not.toContain('slow-upstream')
  })

  it('event-loop-blocking: lag spikes with a route doing long synchronous work', () => {
    const start = { name: 'POST /attempts', count: () => 10, latencies: (_t: number, n: number) => spread(n, 200, 400), timing: () => ({ db: 1, app: 25 }) }
    const lagging = metrics((t) => ({ cpu_ratio: 0.95, event_loop_lag_p99_ms: t > 5 && t < 15 ? 250 : 11, event_loop_utilization: t > 5 && t < 15 ? 1 : 0.2 }))
    const f = findings({ endpoints: [fast, start], resources: [lagging] })
    expect(f[0]!.id).toBe('event-loop-blocking')
    expect(f[0]!.evidence.endpoints).toEqual(['POST /attempts'])
    expect(ids({ endpoints: [fast, start], resources: [idleTarget] })).not.toContain('event-loop-blocking')
  })

  it('cpu-saturation: the process tree uses its cores and latency rises then (from /proc alone)', () => {
    const busy = (t: number) => t >= 10 && t < 25
    const route = { name: 'GET /x', count: () => 40, latencies: (t: number, n: number) => spread(n, busy(t) ? 200 : 5, busy(t) ? 300 : 10) }
    const proc = { source: 'process:42', kind: 'process', metrics: (t: number) => ({ cpu_ratio: busy(t) ? 0.98 : 0.3, processes: 1, rss_bytes: 100e6 }) }
    expect(top({ endpoints: [route], resources: [proc] })).toBe('cpu-saturation')
    const cool = { ...proc, metrics: (t: number) => ({ cpu_ratio: 0.3, processes: 1, rss_bytes: 100e6 }) }
    expect(ids({ endpoints: [route], resources: [cool] })).not.toContain('cpu-saturation')
  })

  it('concurrency-limit: latency follows load while CPU stays low and nothing server-side explains it', () => {
    const load = (t: number) => (t < 15 ? 10 : 60)
    const route = { name: 'GET /x', count: () => 40, latencies: (t: number, n: number) => spread(n, t < 15 ? 20 : 300, t < 15 ? 30 : 400) }
    const proc = { source: 'process:42', kind: 'process', metrics: () => ({ cpu_ratio: 0.15, processes: 1, rss_bytes: 100e6 }) }
    expect(top({ endpoints: [route], active: load, resources: [proc] })).toBe('concurrency-limit')
    expect(ids({ endpoints: [route], active: load, resources: [{ ...proc, metrics: () => ({ cpu_ratio: 0.95, processes: 1, rss_bytes: 1e8 }) }] })).not.toContain('concurrency-limit')
  })

  it('memory-growth: memory keeps climbing to the end; warm-up that levels off is not a leak', () => {
    const leak = metrics((t) => ({ cpu_ratio: 0.2, heap_used_bytes: 50e6, external_memory_bytes: 10e6 + t * 8e6 }))
    expect(top({ endpoints: [fast], resources: [leak] })).toBe('memory-growth')
    const warmup = metrics((t) => ({ cpu_ratio: 0.2, heap_used_bytes: 40e6 + Math.min(t, 8) * 12e6, external_memory_bytes: 5e6 }))
    expect(ids({ endpoints: [fast], resources: [warmup] })).not.toContain('memory-growth')
  })

  it('cache-ineffective and cache-stampede: a cache that never hits, and one that rebuilds in bursts', () => {
    const course = (desc: Record<string, number>) => ({ name: 'GET /api/courses/:id', count: () => 20, latencies: (_t: number, n: number) => spread(n, 5, 8), timing: () => ({ db: 4, app: 1 }), timingDesc: () => desc })
    expect(top({ endpoints: [fast, course({ 'cache=miss': 20 })], resources: [idleTarget] })).toBe('cache-ineffective')
    const stampede = findings({ endpoints: [fast, course({ 'cache=miss': 4, 'cache=hit': 16 })], resources: [idleTarget] })
    expect(stampede[0]!.id).toBe('cache-stampede')
    expect(stampede.map((f) => f.id)).not.toContain('cache-ineffective')
    expect(ids({ endpoints: [fast, course({ 'cache=miss': 1, 'cache=coalesced': 3, 'cache=hit': 16 })], resources: [idleTarget] })).toEqual([])
  })

  it('cache-stampede: the database time its rebuilds took (the target says how long) is its own, not a slow query\'s', () => {
    // 4 of 20 requests a second rebuild a large page (90 ms of statements); hits cost 2 ms.
    const course = { name: 'GET /api/courses/:id', count: () => 20, latencies: (_t: number, n: number) => spread(n, 20, 25), timing: () => ({ db: 20, app: 1 }), timingDesc: () => ({ 'cache=miss': 4, 'cache=hit': 16 }) }
    const rebuilds = metrics(() => ({ cpu_ratio: 0.3, event_loop_lag_p99_ms: 11, cache_rebuild_ratio: 4 * 0.09 }))
    const f = findings({ endpoints: [fast, course], resources: [rebuilds] })
    expect(f[0]!.id).toBe('cache-stampede')
    expect(f[0]!.evidence.values.rebuildMs).toBeCloseTo(30 * 4 * 90, -2)
    expect(f.find((x) => x.id === 'slow-query')!.impact).toBeLessThan(0.2 * f[0]!.impact)
    // Without the target's rebuild time, misses are credited only their share of the route's
    // database time: the slow statements stay first.
    expect(top({ endpoints: [fast, course], resources: [idleTarget] })).toBe('slow-query')
  })

  it('error-burst and connection-failures: HTTP errors from an onset second, and requests with no response', () => {
    const failing = { name: 'POST /x', count: () => 20, latencies: (_t: number, n: number) => spread(n, 5, 6), errors: (t: number): Record<string, number> => (t >= 20 ? { http: 10 } : {}) }
    const f = findings({ endpoints: [fast, failing], resources: [idleTarget] })
    expect(f[0]!.id).toBe('error-burst')
    expect(f[0]!.evidence.window!.startSec).toBe(20)
    const refused = { ...failing, errors: (t: number): Record<string, number> => (t >= 20 ? { refused: 10 } : {}) }
    expect(top({ endpoints: [fast, refused], resources: [idleTarget] })).toBe('connection-failures')
  })

  it('gc-pressure: a large share of time collecting garbage', () => {
    expect(ids({ endpoints: [fast], resources: [metrics(() => ({ cpu_ratio: 0.5, gc_ratio: 0.3 }))] })).toContain('gc-pressure')
    expect(ids({ endpoints: [fast], resources: [metrics(() => ({ cpu_ratio: 0.5, gc_ratio: 0.02 }))] })).not.toContain('gc-pressure')
  })

  it('bandwidth-bound: large responses whose latency follows the bytes in flight', () => {
    const segments = (correlated: boolean) => ({
      name: 'GET /media/:segment', bytesPerResponse: 2_000_000,
      count: (t: number) => 10 + (t % 10) * 5,
      latencies: (t: number, n: number) => spread(n, correlated ? 20 + (t % 10) * 40 : 100, correlated ? 30 + (t % 10) * 40 : 110),
    })
    expect(ids({ endpoints: [segments(true)], resources: [idleTarget] })).toContain('bandwidth-bound')
    expect(ids({ endpoints: [segments(false)], resources: [idleTarget] })).not.toContain('bandwidth-bound')
  })

  it('trust: a saturated generator, dropped arrivals and a closed model are reported', () => {
    expect(ids({ endpoints: [fast], generatorElu: (t) => (t > 10 ? 0.99 : 0.3) })).toContain('generator-saturated')
    expect(ids({ endpoints: [fast], arrivals: () => ({ planned: 10, started: 8, dropped: 2 }) })).toContain('dropped-arrivals')
    expect(ids({ endpoints: [fast], model: 'closed' })).toEqual(['closed-model-bias'])
  })
})

describe('ranking: a symptom keeps only what its co-occurring cause does not account for in this run', () => {
  it('lock waits are the slow statements\' when the writers hold the lock in them, and lock contention\'s when they hold it in their own code', () => {
    const reader = { name: 'GET /api/me', count: () => 50, latencies: (_t: number, n: number) => spread(n, 1, 3), timing: () => ({ db: 0.3, app: 0.3 }) }
    // Writers whose transactions are slow statements (a scan inside the transaction): the queue for the lock is the scan's.
    const scanning = { name: 'PUT /answers/:id', count: () => 20, latencies: (_t: number, n: number) => spread(n, 140, 160), timing: () => ({ db: 40, lock: 100, app: 1 }) }
    const scan = findings({ endpoints: [reader, scanning], resources: [idleTarget] })
    expect(scan[0]!.id).toBe('slow-query')
    expect(scan.find((f) => f.id === 'lock-contention')!.impact).toBeLessThan(0.05)
    // The same lock wait behind writers that hold the lock across their own work (fast statements).
    const holding = { ...scanning, timing: () => ({ db: 1, lock: 100, app: 40 }) }
    expect(top({ endpoints: [reader, holding], resources: [idleTarget] })).toBe('lock-contention')
  })

  it('CPU saturation is the blocked event loop\'s only in the seconds the loop was blocked', () => {
    const hot = (t: number) => t >= 5 && t < 25
    const start = { name: 'POST /attempts', count: () => 10, latencies: (t: number, n: number) => spread(n, hot(t) ? 200 : 5, hot(t) ? 400 : 10), timing: () => ({ db: 1, app: 25 }) }
    const target = (blocked: (t: number) => boolean) => metrics((t) => ({ cpu_ratio: hot(t) ? 0.98 : 0.2, event_loop_lag_p99_ms: blocked(t) ? 250 : 11, event_loop_lag_max_ms: blocked(t) ? 260 : 12 }))
    const cpu = (blocked: (t: number) => boolean) => findings({ endpoints: [fast, start], resources: [target(blocked)] }).find((f) => f.id === 'cpu-saturation')?.impact
    const whileBlocked = cpu(hot)
    const blockedEarly = cpu((t) => t >= 1 && t < 4)
    expect(blockedEarly).toBeGreaterThan(0.1)
    expect(whileBlocked ?? 0).toBeLessThan(0.1 * blockedEarly!)
  })
})

describe('rules without data say so', () => {
  const run = (spec: Partial<SyntheticRun> & Pick<SyntheticRun, 'endpoints'>) => {
    const { run: r, histograms } = syntheticRun({ seconds: 30, ...spec })
    return analyzeRun(r, histograms, { generatedAt: 'now' }).rules
  }

  it('a run with neither Server-Timing nor target metrics: server-side rules are not evaluated, with what would let them judge', () => {
    const plain = { name: 'GET /api/me', count: () => 50, latencies: (_t: number, n: number) => spread(n, 1, 3) }
    const rules = run({ endpoints: [plain] })
    const status = Object.fromEntries(rules.map((r) => [r.id, r.status]))
    for (const id of ['cpu-saturation', 'event-loop-blocking', 'slow-query', 'n-plus-one', 'pool-saturation', 'lock-contention', 'cache-ineffective', 'cache-stampede', 'slow-upstream', 'memory-growth', 'gc-pressure']) {
      expect(status[id], id).toBe('not-evaluated')
    }
    for (const id of ['error-burst', 'connection-failures', 'concurrency-limit', 'generator-saturated', 'dropped-arrivals']) expect(status[id], id).toBe('clear')
    expect(status['noisy-machine']).toBe('not-evaluated')
    const cpu = rules.find((r) => r.id === 'cpu-saturation')
    expect(cpu).toMatchObject({ reason: 'no CPU data for the target' })
    expect(cpu?.status === 'not-evaluated' && cpu.needs).toMatch(/--pid/)
  })

  it('with Server-Timing and /metrics the same rules judge, and a found cause says found', () => {
    const answers = { name: 'PUT /answers/:id', count: () => 20, latencies: (_t: number, n: number) => spread(n, 30, 40), timing: () => ({ db: 30, lock: 0.1, pool: 0.1, upstream: 0.1, app: 1 }), timingDesc: () => ({ 'cache=hit': 5 }) }
    const host = { source: 'host', kind: 'host', metrics: () => ({ cores: 2, cpu_ratio: 0.3, steal_ratio: 0, cpu_pressure_ratio: 0.01 }) }
    const rules = run({ endpoints: [fast, answers], resources: [host, metrics(() => ({ cpu_ratio: 0.2, event_loop_lag_p99_ms: 11, heap_used_bytes: 50e6, gc_ratio: 0.01 }), () => ({ '/answers/:id': { db_queries_per_request: 3 } }))] })
    expect(rules.filter((r) => r.status === 'not-evaluated')).toEqual([])
    expect(rules.find((r) => r.id === 'slow-query')?.status).toBe('found')
  })
})
