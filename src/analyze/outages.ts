import type { Outage, Series } from './analysis.ts'

/** Errors that mean the target gave no HTTP answer at all. */
export const TRANSPORT_KINDS = ['refused', 'reset', 'timeout', 'dns', 'other'] as const

// A second counts as down when at least half of what finished in it got no HTTP answer, or when
// nothing finished at all while learners were waiting next to such a second (a hang: requests only
// end when their timeout fires). Gaps of one healthy-looking second do not split an outage.
const DOWN_SHARE = 0.5
const MAX_GAP = 1

function transportAt(series: Series, i: number): { failed: number; byKind: Record<string, number> } {
  const byKind: Record<string, number> = {}
  let failed = 0
  for (const kind of TRANSPORT_KINDS) {
    const n = series.errorsByKind[kind]?.[i] ?? 0
    if (n > 0) {
      byKind[kind] = n
      failed += n
    }
  }
  return { failed, byKind }
}

/** The outages of a run, from its per-second series, longest first. */
export function findOutages(series: Series): Outage[] {
  const n = series.t.length
  const down: boolean[] = Array.from({ length: n }, (_, i) => {
    const { failed } = transportAt(series, i)
    const finished = series.throughput[i] ?? 0
    return failed > 0 && failed >= DOWN_SHARE * finished
  })
  // Silent seconds (learners waiting, nothing finishing) between or beside down seconds are down too.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      if (down[i] || (series.throughput[i] ?? 0) > 0 || (series.active[i] ?? 0) === 0) continue
      let j = i
      while (j < n && !down[j] && (series.throughput[j] ?? 0) === 0 && (series.active[j] ?? 0) > 0) j++
      if ((i > 0 && down[i - 1]) || (j < n && down[j])) for (let k = i; k < j; k++) down[k] = true
      i = j
    }
  }
  const outages: Outage[] = []
  let i = 0
  while (i < n) {
    if (!down[i]) {
      i++
      continue
    }
    let end = i
    for (let j = i + 1; j < n && j - end <= MAX_GAP + 1; j++) if (down[j]) end = j
    const failedByKind: Record<string, number> = {}
    let failed = 0
    let answered = 0
    for (let k = i; k <= end; k++) {
      const t = transportAt(series, k)
      failed += t.failed
      for (const [kind, c] of Object.entries(t.byKind)) failedByKind[kind] = (failedByKind[kind] ?? 0) + c
      answered += Math.max(0, (series.throughput[k] ?? 0) - t.failed)
    }
    outages.push({ startSec: series.t[i]!, endSec: series.t[end]! + 1, durationSec: end - i + 1, failed, failedByKind, answered })
    i = end + 1
  }
  return outages.sort((a, b) => b.durationSec - a.durationSec || a.startSec - b.startSec)
}
