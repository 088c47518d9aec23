import type { ArrivalProfile } from '../../scenario/arrival/profile.ts'

/** A k6 stage: reach `target` (iterations per `timeUnit`) linearly over `duration`. */
export interface K6Stage {
  duration: string
  target: number
}

export interface ArrivalStages {
  /** k6's unit for arrival rates; targets are whole numbers of iterations per this unit. */
  timeUnit: '1m'
  startRate: number
  stages: K6Stage[]
}

/** Rates are written per minute: whole numbers per minute keep 1/60 learner per second of precision. */
const PER_UNIT = 60
const SUBSTEPS = 20

/** Expected arrivals in each whole second of the profile: ∫rate over [s, s+1). */
export function expectedPerSecond(profile: ArrivalProfile): Float64Array {
  const seconds = Math.max(1, Math.ceil(profile.durationMs / 1000))
  const out = new Float64Array(seconds)
  for (let s = 0; s < seconds; s++) {
    let sum = 0
    for (let k = 0; k < SUBSTEPS; k++) sum += profile.rateAt((s + (k + 0.5) / SUBSTEPS) * 1000)
    out[s] = sum / SUBSTEPS
  }
  return out
}

/** A least-squares line through per-second counts c[a..b) at the seconds' midpoints: its values at a and b. */
function fitLine(c: Float64Array, a: number, b: number, tol: Float64Array): { from: number; to: number; worst: number } {
  const n = b - a
  if (n === 1) return { from: c[a]!, to: c[a]!, worst: 0 }
  let sx = 0
  let sy = 0
  let sxx = 0
  let sxy = 0
  for (let s = a; s < b; s++) {
    const x = s + 0.5 - a
    sx += x
    sy += c[s]!
    sxx += x * x
    sxy += x * c[s]!
  }
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
  const intercept = (sy - slope * sx) / n
  let worst = 0
  for (let s = a; s < b; s++) worst = Math.max(worst, Math.abs(intercept + slope * (s + 0.5 - a) - c[s]!) / tol[s]!)
  return { from: intercept, to: intercept + slope * n, worst }
}

/**
 * The profile as k6 `ramping-arrival-rate` stages. k6 moves the rate linearly within a stage, so
 * the per-second expected arrivals are fitted with straight segments (least squares, grown while
 * every second stays within its tolerance: 3 % of that second's arrivals, at least 0.3 % of the
 * peak and 0.05 learners), joined by zero-length stages where the profile jumps (an exam's
 * opening). A 1 s segment is exact, so any shape can be met; segments never go below zero, and a
 * second without arrivals stays without.
 */
export function arrivalStages(profile: ArrivalProfile): ArrivalStages {
  const c = expectedPerSecond(profile)
  const peak = c.reduce((m, v) => Math.max(m, v), 0)
  // A second with no arrivals gets none: k6 must not start learners after an exam has filled up.
  const tol = c.map((v) => (v > 1e-9 ? Math.max(0.05, 0.003 * peak, 0.03 * v) : 1e-6))
  const stages: K6Stage[] = []
  const unit = (perSecond: number) => Math.max(0, Math.round(perSecond * PER_UNIT))
  let startRate: number | undefined
  let current = 0
  for (let a = 0; a < c.length; ) {
    let b = a + 1
    let fit = fitLine(c, a, b, tol)
    while (b < c.length) {
      const next = fitLine(c, a, b + 1, tol)
      if (next.worst > 1 || next.from < 0 || next.to < 0) break
      b++
      fit = next
    }
    let from = unit(fit.from)
    let to = unit(fit.to)
    if (startRate === undefined) startRate = from
    else if (from !== current) {
      // Joined to the previous stage where that keeps the seconds within tolerance and the
      // segment's total exact; a zero-length stage (a jump) only where the profile jumps.
      const joined = joinedEnd(c, a, b, current / PER_UNIT, tol)
      if (joined.worst <= 1 && joined.to >= 0) {
        from = current
        to = unit(joined.to)
      } else stages.push({ duration: '0s', target: from })
    }
    stages.push({ duration: `${b - a}s`, target: to })
    current = to
    a = b
  }
  return { timeUnit: '1m', startRate: startRate ?? 0, stages }
}

/** The line from `start` at second a whose integral over c[a..b) is exact, and its worst second. */
function joinedEnd(c: Float64Array, a: number, b: number, start: number, tol: Float64Array): { to: number; worst: number } {
  const n = b - a
  let sum = 0
  for (let s = a; s < b; s++) sum += c[s]!
  const to = (2 * sum) / n - start
  let worst = 0
  for (let s = a; s < b; s++) worst = Math.max(worst, Math.abs(start + ((to - start) * (s + 0.5 - a)) / n - c[s]!) / tol[s]!)
  return { to, worst }
}

function parseStageSeconds(duration: string): number {
  const m = /^(\d+(?:\.\d+)?)s$/.exec(duration)
  if (!m) throw new Error(`stage duration '${duration}' is not in seconds`)
  return Number(m[1])
}

/**
 * What k6 will start per second under these stages: the integral of its piecewise-linear rate
 * over each second (for tests and the export summary).
 */
export function stagesPerSecond(plan: ArrivalStages, seconds: number): Float64Array {
  const out = new Float64Array(seconds)
  let t = 0
  let rate = plan.startRate / PER_UNIT
  const segments: Array<{ t0: number; t1: number; r0: number; r1: number }> = []
  for (const stage of plan.stages) {
    const d = parseStageSeconds(stage.duration)
    const r1 = stage.target / PER_UNIT
    if (d > 0) segments.push({ t0: t, t1: t + d, r0: rate, r1 })
    t += d
    rate = r1
  }
  for (const seg of segments) {
    for (let s = Math.floor(seg.t0); s < Math.min(seconds, Math.ceil(seg.t1)); s++) {
      const lo = Math.max(s, seg.t0)
      const hi = Math.min(s + 1, seg.t1)
      if (hi <= lo) continue
      const at = (x: number) => seg.r0 + ((seg.r1 - seg.r0) * (x - seg.t0)) / (seg.t1 - seg.t0)
      out[s]! += ((at(lo) + at(hi)) / 2) * (hi - lo)
    }
  }
  return out
}
