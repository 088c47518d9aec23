import { linearRegression, medianAbsoluteDeviation, mean } from 'simple-statistics'

export interface Segment {
  startSec: number
  /** Exclusive. */
  endSec: number
  kind: 'steady' | 'ramp-up' | 'ramp-down' | 'idle' | 'burst'
  mean: number
  /** The planned stage (0-based) this window belongs to, for a profile made of stages. */
  stage?: number
}

/** The stages of a staircase profile (`arrival.steps`, a capacity ladder) as run.json describes them. */
export function plannedStages(profile: Record<string, unknown>): Array<{ rate: number; durationSec: number }> | undefined {
  if (profile.kind !== 'steps' || !Array.isArray(profile.stages)) return undefined
  const stages = profile.stages as Array<{ rate?: unknown; durationSec?: unknown }>
  return stages.every((s) => typeof s.rate === 'number' && typeof s.durationSec === 'number') ? (stages as Array<{ rate: number; durationSec: number }>) : undefined
}

/**
 * The windows of a staircase from its plan, not from the data: each stage is a warm-up (its first
 * fifth, at least 1 s: the queue the previous stage left drains, and the first seconds of a step
 * are the previous step's latency) then a steady window, cut at `seconds` (where arrivals ended). A stage
 * with fewer than 2 steady seconds recorded is left out (a ladder stopped in its first seconds).
 */
export function plannedWindows(stages: ReadonlyArray<{ rate: number; durationSec: number }>, seconds: number): Segment[] {
  const out: Segment[] = []
  let start = 0
  stages.forEach((s, stage) => {
    const end = Math.min(seconds, Math.round(start + s.durationSec))
    const from = Math.round(start)
    const warm = Math.min(end, from + Math.max(1, Math.ceil(s.durationSec / 5)))
    if (warm > from) out.push({ startSec: from, endSec: warm, kind: 'ramp-up', mean: s.rate, stage })
    if (end - warm >= 2) out.push({ startSec: warm, endSec: end, kind: 'steady', mean: s.rate, stage })
    else if (end > warm) out.push({ startSec: warm, endSec: end, kind: 'ramp-up', mean: s.rate, stage })
    start += s.durationSec
  })
  return out
}

function sse(prefix: Float64Array, prefixSq: Float64Array, a: number, b: number): number {
  const n = b - a
  if (n <= 0) return 0
  const sum = prefix[b]! - prefix[a]!
  return prefixSq[b]! - prefixSq[a]! - (sum * sum) / n
}

/**
 * Splits a load series (arrivals or active learners per second) into phases: steady plateaus,
 * ramps, bursts and idle stretches. Binary segmentation into constant pieces (squared error,
 * BIC-like penalty, noise estimated robustly from first differences); long flat pieces are
 * plateaus, runs of short pieces that climb or fall are ramps, a short piece above both
 * neighbours is a burst. Found from the data, never assumed from the profile.
 */
export function findWindows(load: readonly number[], minSteadySec = 10): Segment[] {
  const n = load.length
  if (n === 0) return []
  const prefix = new Float64Array(n + 1)
  const prefixSq = new Float64Array(n + 1)
  for (let i = 0; i < n; i++) {
    prefix[i + 1] = prefix[i]! + load[i]!
    prefixSq[i + 1] = prefixSq[i]! + load[i]! * load[i]!
  }
  const diffs = load.slice(1).map((v, i) => v - load[i]!)
  const noise = diffs.length >= 2 ? (1.4826 * medianAbsoluteDeviation(diffs)) / Math.SQRT2 : 0
  // Counts of arrivals are Poisson: their noise is at least √mean even when differences look calm.
  const variance = Math.max(noise * noise, mean(load as number[]), 1)
  const penalty = 3 * variance * Math.log(Math.max(n, 2))

  const cuts: number[] = []
  const split = (a: number, b: number) => {
    if (b - a < 4) return
    const whole = sse(prefix, prefixSq, a, b)
    let best = -1
    let bestGain = 0
    for (let k = a + 2; k <= b - 2; k++) {
      const gain = whole - sse(prefix, prefixSq, a, k) - sse(prefix, prefixSq, k, b)
      if (gain > bestGain) {
        bestGain = gain
        best = k
      }
    }
    if (best > 0 && bestGain > penalty) {
      cuts.push(best)
      split(a, best)
      split(best, b)
    }
  }
  split(0, n)
  const bounds = [0, ...cuts.sort((x, y) => x - y), n]

  const noiseSd = Math.sqrt(variance)
  type Piece = { startSec: number; endSec: number; mean: number; kind: Segment['kind'] | 'short' }
  const pieces: Piece[] = []
  // Idle: next to nothing compared with the busiest stretch of the run.
  let busiest = 0
  for (let i = 0; i < bounds.length - 1; i++) busiest = Math.max(busiest, (prefix[bounds[i + 1]!]! - prefix[bounds[i]!]!) / (bounds[i + 1]! - bounds[i]!))
  const idleBelow = Math.max(0.5, 0.05 * busiest)
  for (let i = 0; i < bounds.length - 1; i++) {
    const a = bounds[i]!
    const b = bounds[i + 1]!
    const values = load.slice(a, b) as number[]
    const m = mean(values)
    let kind: Piece['kind'] = 'short'
    if (m < idleBelow) kind = 'idle'
    else if (b - a >= minSteadySec) {
      const change = linearRegression(values.map((v, j) => [j, v])).m * (values.length - 1)
      if (Math.abs(change) <= Math.max(3 * noiseSd, 0.15 * m)) kind = 'steady'
      else kind = change > 0 ? 'ramp-up' : 'ramp-down'
    }
    pieces.push({ startSec: a, endSec: b, mean: m, kind })
  }
  // Runs of short pieces: a climb or a fall between their neighbours is a ramp; a peak is a burst.
  for (let i = 0; i < pieces.length; ) {
    if (pieces[i]!.kind !== 'short') {
      i++
      continue
    }
    let j = i
    while (j < pieces.length && pieces[j]!.kind === 'short') j++
    const run = pieces.slice(i, j)
    const before = pieces[i - 1]?.mean ?? 0
    const after = pieces[j]?.mean ?? 0
    const peak = Math.max(...run.map((p) => p.mean))
    const first = run[0]!.mean
    const last = run[run.length - 1]!.mean
    let kind: Segment['kind']
    if (peak > Math.max(before, after) + 3 * noiseSd && peak > Math.max(first, last) - 3 * noiseSd && run.length <= 2) kind = 'burst'
    else if (run.length === 1) kind = after >= before ? 'ramp-up' : 'ramp-down'
    else kind = last >= first ? 'ramp-up' : 'ramp-down'
    for (const p of run) p.kind = kind
    i = j
  }
  const raw = pieces as Segment[]
  // Neighbouring segments of one kind merge: a ramp cut in pieces, or a plateau split by noise.
  const merged: Segment[] = []
  for (const s of raw) {
    const last = merged[merged.length - 1]
    const sameRamp = last && last.kind === s.kind && (s.kind === 'ramp-up' || s.kind === 'ramp-down' || s.kind === 'idle')
    const samePlateau = last && last.kind === 'steady' && s.kind === 'steady' && Math.abs(last.mean - s.mean) <= Math.max(2 * noiseSd, 0.1 * Math.max(last.mean, s.mean))
    if (last && (sameRamp || samePlateau)) {
      const len = last.endSec - last.startSec + s.endSec - s.startSec
      last.mean = (last.mean * (last.endSec - last.startSec) + s.mean * (s.endSec - s.startSec)) / len
      last.endSec = s.endSec
    } else {
      merged.push({ ...s })
    }
  }
  return merged
}
