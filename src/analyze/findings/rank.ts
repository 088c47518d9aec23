import type { EndpointSummary, Finding } from '../analysis.ts'
import { cacheCounts, rebuildMs } from './cache.ts'
import { TRANSPORT_KINDS } from '../outages.ts'
import { cpuSaturatedSeconds } from './cpu-saturation.ts'
import { LAG_MS } from './event-loop-blocking.ts'
import { disturbance } from './noisy-machine.ts'
import { clamp01, componentMs, type Signals } from './signals.ts'


/**
 * One cause's mechanism producing another finding's symptom. `share` is the part of the symptom
 * that this run's evidence puts inside the cause: the symptom keeps only the rest of its impact.
 * Every share is measured in the run (Server-Timing components add up per request, seconds are
 * aligned across series); none is a constant.
 */
interface Explanation {
  cause: string
  symptom: string
  share(s: Signals, cause: Finding, symptom: Finding): number
}

/** Computes `f(s)` once per run's signals: several explanations read the same series. */
function perRun<T>(f: (s: Signals) => T): (s: Signals) => T {
  const memo = new WeakMap<Signals, T>()
  return (s) => {
    if (!memo.has(s)) memo.set(s, f(s))
    return memo.get(s)!
  }
}

/** Seconds in which the target's event loop was blocked. A blocked loop answers its own /metrics late, so a missing sample after a blocked one counts as blocked. */
const blockedSeconds = perRun((s: Signals): boolean[] => {
  const lag = s.metrics?.series('event_loop_lag_p99_ms') ?? []
  const out: boolean[] = []
  let last = false
  for (let i = 0; i < s.series.t.length; i++) {
    const v = lag[i]
    if (v !== null && v !== undefined) last = v >= LAG_MS
    out.push(last)
  }
  return out
})

/**
 * The part of the target's event-loop lag that was a wait for a CPU a neighbour held. In each
 * second the machine disturbed (noisy-machine's seconds), the lag counts as starved by the share of
 * the time the loop's thread wanted a CPU that it spent waiting for one: run-queue wait over wait
 * plus run, the target processes' main threads from /proc/<pid>/schedstat. A loop blocked by its
 * own synchronous work is running, not waiting, and keeps its lag; a loop that only lags because
 * its thread stood in the run queue behind the neighbour gives it up. Weighted by the worst lag of
 * each lagged second; 0 without schedstat samples.
 */
const starvedLag = perRun((s: Signals): number => {
  // The finding fires on a p99 over LAG_MS or a single long stall: each second weighs its worst.
  const p99 = s.metrics?.series('event_loop_lag_p99_ms') ?? []
  const max = s.metrics?.series('event_loop_lag_max_ms') ?? []
  const lag = s.series.t.map((_, i) => Math.max(p99[i] ?? 0, max[i] ?? 0))
  const d = disturbance(s)
  if (!d) return 0
  const targets = Object.entries(s.series.resources).filter(([source]) => source === 'target:process' || source.startsWith('process:')).map(([, m]) => m)
  let all = 0
  let starved = 0
  for (let i = 0; i < s.series.t.length; i++) {
    const l = lag[i]!
    if (l < LAG_MS) continue
    all += l
    if (!d.disturbed[i]) continue
    // The most starved of the target's main threads (the loop's is one of them).
    let share = 0
    for (const m of targets) {
      const wait = m.main_thread_wait_ratio?.[i]
      const run = m.main_thread_cpu_ratio?.[i]
      if (wait === null || wait === undefined || run === null || run === undefined || wait + run <= 0) continue
      share = Math.max(share, wait / (wait + run))
    }
    starved += l * share
  }
  return all > 0 ? starved / all : 0
})

/** The share of a per-second quantity that fell in the marked seconds. */
function shareIn(marked: boolean[], weight: ArrayLike<number | null>): number {
  let all = 0
  let inside = 0
  for (let i = 0; i < weight.length; i++) {
    const w = weight[i] ?? 0
    all += w
    if (marked[i]) inside += w
  }
  return all > 0 ? inside / all : 0
}

/**
 * Request time per second, what latency symptoms are made of: each endpoint's requests × its p95
 * (the series keep per-endpoint p95, not means; a proxy that weighs slow seconds as they weigh).
 */
const requestTime = perRun((s: Signals): number[] => {
  const out = s.series.t.map(() => 0)
  for (const e of Object.values(s.series.endpoints)) for (let i = 0; i < out.length; i++) out[i]! += (e.throughput[i] ?? 0) * (e.p95[i] ?? 0)
  return out
})

/** A target metric per second when it was scraped, else request time. */
const metricOr = (metric: string) => (s: Signals) => (s.metrics?.has(metric) ? s.metrics.series(metric) : requestTime(s))

const transportPerSecond = (s: Signals) => s.series.t.map((_, i) => TRANSPORT_KINDS.reduce((n, k) => n + (s.series.errorsByKind[k]?.[i] ?? 0), 0))

/** A finding's endpoints (as its evidence names them). */
function endpointsOf(s: Signals, cause: Finding): EndpointSummary[] {
  const names = new Set(cause.evidence.endpoints)
  return s.endpoints.filter((e) => names.has(e.name))
}

const sum = (endpoints: EndpointSummary[], f: (e: EndpointSummary) => number) => endpoints.reduce((t, e) => t + f(e), 0)

/** The target's own work (statements and its code), what its cores are spent on. */
const targetWorkMs = (s: Signals) => sum(s.endpoints, (e) => componentMs(e, 'db') + componentMs(e, 'app'))

/** Connection-holding time: statements, and (PostgreSQL row locks) lock waits inside a transaction. */
const holdingMs = (e: EndpointSummary) => componentMs(e, 'db') + componentMs(e, 'lock')

// A blocked loop stalls everything at once: requests queue, holders of locks and connections
// cannot finish, GC and CPU samples pile up, connections time out. Whatever happened in the
// seconds it was blocked is the block's.
const BLOCKED_SYMPTOMS: Array<[string, (s: Signals) => ArrayLike<number | null>]> = [
  ['cpu-saturation', (s) => cpuSaturatedSeconds(s).map(Number)],
  ['lock-contention', metricOr('db_lock_wait_ratio')],
  ['pool-saturation', metricOr('db_pool_waiting')],
  ['gc-pressure', (s) => s.metrics?.series('gc_ratio') ?? []],
  ['error-burst', (s) => s.series.errorsByKind.http ?? []],
  ['connection-failures', transportPerSecond],
]

/** The database work a read flood did (ms): a stampede's rebuilds, an N+1 route's statements. */
const READ_FLOODS: Record<string, (s: Signals, cause: Finding) => number> = {
  'cache-stampede': (s, cause) => rebuildMs(s, endpointsOf(s, cause)),
  'n-plus-one': (s, cause) => sum(endpointsOf(s, cause), (e) => componentMs(e, 'db')),
}

const EXPLAINS: Explanation[] = [
  ...BLOCKED_SYMPTOMS.map(([symptom, weight]): Explanation => ({
    cause: 'event-loop-blocking', symptom, share: (s) => shareIn(blockedSeconds(s), weight(s)),
  })),
  // A neighbour that holds the CPU holds the target's event loop too (starvedLag says how much).
  { cause: 'noisy-machine', symptom: 'event-loop-blocking', share: (s) => starvedLag(s) },
  // Writers wait for the lock as long as the holders ahead of them hold it. A holder's hold is its
  // transaction: its statements and the work between them (db + app of routes that take the lock);
  // the part of that spent in the slow statements is the slow query's.
  {
    cause: 'slow-query', symptom: 'lock-contention', share: (s, cause) => {
      const writers = s.endpoints.filter((e) => e.serverTiming.lock !== undefined)
      const slow = endpointsOf(s, cause).filter((e) => e.serverTiming.lock !== undefined)
      return sum(slow, (e) => componentMs(e, 'db')) / Math.max(1, sum(writers, (e) => componentMs(e, 'db') + componentMs(e, 'app')))
    },
  },
  // Requests wait for a connection as long as others hold one: the share of all connection-holding
  // time spent in the slow statements, or (row locks) waiting for locks inside a transaction.
  { cause: 'slow-query', symptom: 'pool-saturation', share: (s, cause) => sum(endpointsOf(s, cause), (e) => componentMs(e, 'db')) / Math.max(1, sum(s.endpoints, holdingMs)) },
  { cause: 'lock-contention', symptom: 'pool-saturation', share: (s) => sum(s.endpoints, (e) => componentMs(e, 'lock')) / Math.max(1, sum(s.endpoints, holdingMs)) },
  // The target's CPU goes to the work it does: the slow statements' share of all its work
  // (statements, upstream calls, own code). For a database in the target's process (SQLite) this
  // is its CPU; for a remote one, the share of work the CPU waited on.
  {
    cause: 'slow-query', symptom: 'cpu-saturation', share: (s, cause) =>
      sum(endpointsOf(s, cause), (e) => componentMs(e, 'db')) / Math.max(1, targetWorkMs(s)),
  },
  // The lock and pool waits on routes that miss their cache are the cache-ineffective finding's own
  // (it claims them): they are taken off the lock and pool findings so no time counts twice.
  { cause: 'cache-ineffective', symptom: 'lock-contention', share: (s, cause) => sum(endpointsOf(s, cause), (e) => componentMs(e, 'lock')) / Math.max(1, sum(s.endpoints, (e) => componentMs(e, 'lock'))) },
  { cause: 'cache-ineffective', symptom: 'pool-saturation', share: (s, cause) => sum(endpointsOf(s, cause), (e) => componentMs(e, 'pool')) / Math.max(1, sum(s.endpoints, (e) => componentMs(e, 'pool'))) },
  // A cache's rebuilds are statements like any other: on the routes that rebuild, the database time
  // spent rebuilding is the cache finding's (a working cache runs them once per entry lifetime),
  // and a slow-query finding on those routes keeps only the rest.
  ...(['cache-stampede', 'cache-ineffective'] as const).map((cause): Explanation => ({
    cause, symptom: 'slow-query', share: (s, c, symptom) => {
      const slow = endpointsOf(s, symptom)
      const rebuilding = new Set(endpointsOf(s, c))
      return rebuildMs(s, slow.filter((e) => rebuilding.has(e))) / Math.max(1, sum(slow, (e) => componentMs(e, 'db')))
    },
  })),
  // Read floods (stampeding rebuilds, N+1 statement loops) run beside everything else: their
  // statements take the cores the writers need between their own (lock holds grow) and the
  // connections others wait for. Their share of the target's work, and of connection-holding time,
  // is the share of those symptoms that is theirs.
  ...Object.entries(READ_FLOODS).flatMap(([cause, work]): Explanation[] => [
    ...(['lock-contention', 'cpu-saturation'] as const).map((symptom): Explanation => ({
      cause, symptom, share: (s, c) => work(s, c) / Math.max(1, targetWorkMs(s)),
    })),
    { cause, symptom: 'pool-saturation', share: (s, c) => work(s, c) / Math.max(1, sum(s.endpoints, holdingMs)) },
  ]),
  // HTTP errors in the seconds the target also refused, reset or dropped connections are the same outage.
  {
    cause: 'connection-failures', symptom: 'error-burst', share: (s) => {
      const transport = transportPerSecond(s)
      return shareIn(transport.map((n) => n > 0), s.series.errorsByKind.http ?? [])
    },
  },
  // Misses on the routes that stampede are the stampede's; the cache-ineffective finding keeps the rest.
  {
    cause: 'cache-stampede', symptom: 'cache-ineffective', share: (s, cause) => {
      const misses = (es: EndpointSummary[]) => sum(es, (e) => cacheCounts(e).miss)
      return misses(endpointsOf(s, cause)) / Math.max(1, misses(s.endpoints))
    },
  },
]

const SEVERITY = { critical: 0, warning: 1, info: 2 } as const

/**
 * Orders findings by impact (share of latency or trust they account for), most responsible first,
 * after taking off each symptom the share that a co-occurring cause's mechanism accounts for.
 */
export function rank(findings: Finding[], s: Signals): Finding[] {
  const byId = new Map(findings.map((f) => [f.id, f]))
  const adjusted = findings.map((f) => {
    let impact = f.impact
    for (const x of EXPLAINS) {
      const cause = byId.get(x.cause)
      if (f.id === x.symptom && cause) impact *= 1 - clamp01(x.share(s, cause, f))
    }
    return { ...f, impact: Number(impact.toFixed(4)) }
  })
  return adjusted.sort((a, b) => b.impact - a.impact || SEVERITY[a.severity] - SEVERITY[b.severity] || a.id.localeCompare(b.id))
}
