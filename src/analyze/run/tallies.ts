// Stage 3 of analyzeRun: what the learners did, summed over the run — steps, checks, journeys and
// the distinct journey errors.
import { addJourneyCounts, journeyCounts, journeyErrorKey, type JourneyCounts } from '../../metrics/interval.ts'
import type { RecordedRun } from '../../record/reader.ts'
import type { JourneyErrorSummary } from '../analysis.ts'
import type { Collected } from '../stats/collect.ts'
import { summarise } from '../stats/latency.ts'

export interface Tallies {
  steps: Array<{ name: string; count: number; failed: number; durationMs: ReturnType<typeof summarise> }>
  checks: Map<string, { pass: number; fail: number }>
  journeys: Array<{ name: string } & JourneyCounts>
  /** Most frequent first, then the earliest. */
  journeyErrors: JourneyErrorSummary[]
}

/** Adds a second's checks (label → pass, fail) into run totals. */
export function addChecks(into: Map<string, { pass: number; fail: number }>, from: Record<string, { pass: number; fail: number }>): void {
  for (const [label, c] of Object.entries(from)) {
    const sum = into.get(label) ?? { pass: 0, fail: 0 }
    sum.pass += c.pass
    sum.fail += c.fail
    into.set(label, sum)
  }
}

export function runTallies(run: RecordedRun, collected: Collected): Tallies {
  const stepCounts = new Map<string, { count: number; failed: number }>()
  const checks = new Map<string, { pass: number; fail: number }>()
  const journeys = new Map<string, JourneyCounts>()
  const journeyErrors = new Map<string, JourneyErrorSummary>()
  const countError = (e: { journey: string; message: string; location?: string; count: number }, t: number) => {
    const key = journeyErrorKey(e)
    const into = journeyErrors.get(key)
    if (into) into.count += e.count
    else journeyErrors.set(key, { journey: e.journey, message: e.message, ...(e.location ? { location: e.location } : {}), count: e.count, firstSec: t })
  }
  for (const line of run.intervals) {
    for (const e of line.journeyErrors ?? []) countError(e, line.t)
    for (const [id, s] of Object.entries(line.steps)) {
      const name = run.steps.get(id) ?? id
      const c = stepCounts.get(name) ?? { count: 0, failed: 0 }
      c.count += s.count
      c.failed += s.failed
      stepCounts.set(name, c)
    }
    addChecks(checks, line.checks)
    for (const [name, j] of Object.entries(line.journeys)) {
      const into = journeys.get(name) ?? journeyCounts()
      addJourneyCounts(into, j)
      journeys.set(name, into)
    }
  }
  // Runs recorded before errors were counted per second kept a few messages in events.ndjson.
  if (journeyErrors.size === 0) {
    for (const e of run.events) {
      if (e.type === 'journey-error') countError({ journey: e.journey, message: e.message, count: 1 }, Math.max(0, Math.floor(e.t)))
    }
  }
  return {
    steps: [...stepCounts.entries()].map(([name, c]) => ({ name, ...c, durationMs: summarise(collected.steps.get(name)) })),
    checks,
    journeys: [...journeys.entries()].map(([name, j]) => ({ name, ...j })),
    journeyErrors: [...journeyErrors.values()].sort((x, y) => y.count - x.count || x.firstSec - y.firstSec),
  }
}
