import type { Finding } from '../analysis.ts'

// When one cause explains another's symptom, the symptom's impact is discounted: blocking work
// keeps the CPU busy and makes requests time out; waiting writers hold pool connections; N+1
// routes look like slow queries; table scans burn CPU; a stampede is a cache that misses in bursts.
const EXPLAINS: Array<[cause: string, symptom: string, factor: number]> = [
  ['event-loop-blocking', 'cpu-saturation', 0.4],
  ['event-loop-blocking', 'lock-contention', 0.3],
  ['event-loop-blocking', 'pool-saturation', 0.3],
  ['event-loop-blocking', 'gc-pressure', 0.5],
  ['slow-query', 'lock-contention', 0.3],
  ['slow-query', 'pool-saturation', 0.5],
  ['lock-contention', 'pool-saturation', 0.4],
  ['n-plus-one', 'slow-query', 0.5],
  // A growing heap's collections pause the event loop that receives statement results: measured
  // in-process, database time swells with them.
  ['memory-growth', 'slow-query', 0.5],
  ['cache-stampede', 'cache-ineffective', 0.3],
  ['slow-query', 'cpu-saturation', 0.4],
  ['event-loop-blocking', 'connection-failures', 0.3],
  ['event-loop-blocking', 'error-burst', 0.5],
  ['connection-failures', 'error-burst', 0.7],
  // On SQLite a writer holds the write mutex while its statements wait for connections that a
  // flood of reads (N+1 pages, stampeding cache rebuilds) occupies: the lock wait is their symptom.
  // Factors set from today's ground-truth runs (lock-contention 0.15–0.62 against n-plus-one 0.04–0.06).
  ['n-plus-one', 'lock-contention', 0.05],
  ['cache-stampede', 'lock-contention', 0.4],
  // Reads a cache should have absorbed flood the pool the same way (profile no-cache: lock 0.12–0.14
  // against cache-ineffective 0.02–0.13 in clean-clone CI runs).
  ['cache-ineffective', 'lock-contention', 0.4],
]

const SEVERITY = { critical: 0, warning: 1, info: 2 } as const

/** Orders findings by impact (share of latency or trust they account for), most responsible first. */
export function rank(findings: Finding[]): Finding[] {
  const ids = new Set(findings.map((f) => f.id))
  const adjusted = findings.map((f) => {
    let impact = f.impact
    for (const [cause, symptom, factor] of EXPLAINS) if (f.id === symptom && ids.has(cause)) impact *= factor
    return { ...f, impact: Number(impact.toFixed(4)) }
  })
  return adjusted.sort((a, b) => b.impact - a.impact || SEVERITY[a.severity] - SEVERITY[b.severity] || a.id.localeCompare(b.id))
}
