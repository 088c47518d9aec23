// Stage 4 of analyzeRun: each phase of the load summarised (rates, Little's-law concurrency, errors, latency).
import type { Series, Window } from '../analysis.ts'
import type { Collected } from '../stats/collect.ts'
import { summarise } from '../stats/latency.ts'
import type { Segment } from '../stats/windows.ts'

export function summariseWindows(segments: Segment[], series: Series, collected: Collected): Window[] {
  return segments.map((seg, i) => {
    const len = seg.endSec - seg.startSec
    const sum = (xs: number[]) => xs.slice(seg.startSec, seg.endSec).reduce((a, b) => a + b, 0)
    const requests = sum(series.throughput)
    const latencyMs = summarise(collected.windowLatency[i])
    const throughputPerSec = requests / len
    return {
      startSec: seg.startSec, endSec: seg.endSec, kind: seg.kind,
      arrivalRatePerSec: sum(series.arrivalsStarted) / len,
      throughputPerSec,
      concurrency: latencyMs ? throughputPerSec * (latencyMs.mean / 1000) : 0,
      activeLearners: sum(series.active) / len,
      errorRate: requests ? sum(series.errors) / requests : 0,
      latencyMs,
      ...(seg.stage !== undefined ? { stage: seg.stage } : {}),
    }
  })
}
