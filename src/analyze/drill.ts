import type { DrillJson } from '../record/layout/drill-json.ts'
import type { DrillSummary, Series } from './analysis.ts'

/** drill.json with the requests that failed between the kill and the recovery, from the series. */
export function summariseDrill(drill: DrillJson, series: Series): DrillSummary {
  const from = Math.floor(drill.kill.atSec)
  const to = drill.recovered ? Math.ceil(drill.recovered.atSec) : series.t.length
  let failed = 0
  let requests = 0
  for (let i = Math.max(0, from); i < Math.min(to + 1, series.t.length); i++) {
    requests += series.throughput[i] ?? 0
    failed += series.errors[i] ?? 0
  }
  const moment = (m: { atSec: number; how: string }) => ({ atSec: m.atSec, how: m.how })
  const w = drill.writes
  return {
    kill: moment(drill.kill),
    ...(drill.restore ? { restore: { ...moment(drill.restore), durationSec: drill.restore.durationSec } } : {}),
    ...(drill.restart ? { restart: moment(drill.restart) } : {}),
    ...(drill.recovered ? { recovered: { atSec: drill.recovered.atSec } } : {}),
    rtoSec: drill.rtoSec,
    probe: { url: drill.probe.url, intervalMs: drill.probe.intervalMs, timeline: drill.probe.timeline },
    ...(w ? { writes: { verifier: w.verifier, acknowledged: w.acknowledged, checked: w.checked, lost: w.lost, lostSample: w.lostSample.map((s) => ({ kind: s.kind, key: s.key, expected: s.expected, found: s.found, t: s.t })), rpoSec: w.rpoSec } } : {}),
    problems: drill.problems,
    failedDuringOutage: failed,
    requestsDuringOutage: requests,
  }
}

/**
 * The seconds a drill's kill and restart disturb, which steady-state rules must not read: from the
 * second before the kill to the recovery, then on while the restarted target's event-loop lag stays
 * above what it was before the kill (its 95th percentile then: a cold process compiles, opens
 * connections and fills caches; that is the restart's cost, not the platform's steady behaviour).
 * Without a lag series the window ends at the recovery.
 */
export function restartWindow(drill: DrillJson, lagP99Ms: ReadonlyArray<number | null> | undefined, seconds: number): { startSec: number; endSec: number } {
  const startSec = Math.max(0, Math.floor(drill.kill.atSec) - 1)
  let endSec = drill.recovered ? Math.min(seconds, Math.ceil(drill.recovered.atSec) + 1) : seconds
  const before = (lagP99Ms ?? []).slice(0, startSec).filter((v): v is number => v !== null).sort((a, b) => a - b)
  if (before.length > 0 && lagP99Ms) {
    const normal = before[Math.min(before.length - 1, Math.floor(0.95 * before.length))]!
    while (endSec < seconds && (lagP99Ms[endSec] === null || lagP99Ms[endSec] === undefined || lagP99Ms[endSec]! > normal)) endSec++
  }
  return { startSec, endSec }
}

/** The series with the seconds of `window` blanked (null) in every latency and target resource series. */
export function withoutWindow(series: Series, window: { startSec: number; endSec: number }, targetSources: readonly string[]): Series {
  const blank = <T>(xs: Array<T | null>) => xs.map((v, i) => (i >= window.startSec && i < window.endSec ? null : v))
  const resources = { ...series.resources }
  for (const source of targetSources) {
    if (!resources[source]) continue
    resources[source] = Object.fromEntries(Object.entries(resources[source]!).map(([metric, xs]) => [metric, blank(xs)]))
  }
  return {
    ...series,
    p50: blank(series.p50), p95: blank(series.p95), p99: blank(series.p99),
    endpoints: Object.fromEntries(Object.entries(series.endpoints).map(([name, e]) => [name, { ...e, p95: blank(e.p95) }])),
    resources,
  }
}
