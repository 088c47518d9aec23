import { levenbergMarquardt } from 'ml-levenberg-marquardt'
import { nelderMead } from './nelder-mead.ts'

/**
 * Gunther's Universal Scalability Law: X(N) = λN / (1 + σ(N−1) + κN(N−1)), with λ the throughput of
 * one unit of load, σ contention (serial share) and κ coherency (crosstalk) cost.
 */
export interface UslFit {
  lambda: number
  sigma: number
  kappa: number
  r2: number
  /** N* = √((1−σ)/κ): the load of peak throughput; null when κ = 0 (no retrograde region). */
  peakN: number | null
  peakX: number | null
  /** κ = 0: throughput approaches λ/σ and never falls (Amdahl's law). */
  contentionLimited: boolean
  points: number
}

export interface LoadPoint {
  n: number
  x: number
}

export function uslThroughput(fit: Pick<UslFit, 'lambda' | 'sigma' | 'kappa'>, n: number): number {
  return (fit.lambda * n) / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1))
}

const model = ([lambda, sigma, kappa]: number[]) => (n: number) => (lambda! * n) / (1 + sigma! * (n - 1) + kappa! * n * (n - 1))
const jacobian = ([lambda, sigma, kappa]: number[]) => (n: number) => {
  const d = 1 + sigma! * (n - 1) + kappa! * n * (n - 1)
  return [n / d, (-lambda! * n * (n - 1)) / (d * d), (-lambda! * n * n * (n - 1)) / (d * d)]
}

/** Starting values as the R usl package derives them: λ from the best per-unit throughput, σ and κ by linear least squares on the linearised law. */
function startingValues(points: LoadPoint[]): number[] {
  const lambda = Math.max(...points.map((p) => p.x / p.n))
  // λN/X − 1 = σ(N−1) + κN(N−1): two regressors through the origin.
  let s11 = 0
  let s12 = 0
  let s22 = 0
  let b1 = 0
  let b2 = 0
  for (const { n, x } of points) {
    const y = (lambda * n) / x - 1
    const a = n - 1
    const b = n * (n - 1)
    s11 += a * a
    s12 += a * b
    s22 += b * b
    b1 += a * y
    b2 += b * y
  }
  const det = s11 * s22 - s12 * s12
  const sigma = det !== 0 ? (b1 * s22 - b2 * s12) / det : 0.01
  const kappa = det !== 0 ? (s11 * b2 - s12 * b1) / det : 0.0001
  return [lambda, Math.max(1e-6, Math.min(0.99, sigma)), Math.max(1e-9, kappa)]
}

function sse(params: number[], points: LoadPoint[]): number {
  const f = model(params)
  return points.reduce((s, p) => s + (p.x - f(p.n)) ** 2, 0)
}

/**
 * The model is linear in λ: for given σ and κ the least-squares λ is Σxg / Σg² with
 * g(N) = N / (1 + σ(N−1) + κN(N−1)). Searching σ and κ with λ solved exactly (variable projection)
 * leaves a two-dimensional problem that a grid covers whole, so no start can trap the fit.
 */
function profiled(points: readonly LoadPoint[], sigma: number, kappa: number): { params: number[]; error: number } {
  let num = 0
  let den = 0
  for (const { n, x } of points) {
    const g = n / (1 + sigma * (n - 1) + kappa * n * (n - 1))
    num += x * g
    den += g * g
  }
  const params = [Math.max(1e-12, num / den), sigma, kappa]
  return { params, error: sse(params, [...points]) }
}

const clampUnit = (v: number) => Math.min(1, Math.max(0, v))
/** κ is searched as log10 κ in [−12, 0]; at −12 (a millionth of a millionth) it is 0. */
const kappaOf = (logKappa: number) => (logKappa <= -12 ? 0 : 10 ** Math.min(0, logKappa))

/** The bounded least-squares optimum of Amdahl's law (κ = 0): a grid over σ ∈ [0, 1], then golden section. */
function amdahlOptimum(points: readonly LoadPoint[]): number[] {
  const steps = 400
  let bestI = 0
  let bestError = Infinity
  for (let i = 0; i <= steps; i++) {
    const e = profiled(points, i / steps, 0).error
    if (e < bestError) [bestI, bestError] = [i, e]
  }
  let lo = Math.max(0, (bestI - 1) / steps)
  let hi = Math.min(1, (bestI + 1) / steps)
  const ratio = (Math.sqrt(5) - 1) / 2
  for (let k = 0; k < 80 && hi - lo > 1e-13; k++) {
    const a = hi - ratio * (hi - lo)
    const b = lo + ratio * (hi - lo)
    if (profiled(points, a, 0).error <= profiled(points, b, 0).error) hi = b
    else lo = a
  }
  const candidates = [bestI / steps, (lo + hi) / 2].map((sigma) => profiled(points, sigma, 0))
  return candidates.reduce((a, b) => (b.error < a.error ? b : a)).params
}

/** The bounded least-squares optimum of the whole law: a grid over σ and log κ, refined by Nelder–Mead, beside the LM estimates. */
function uslOptimum(points: readonly LoadPoint[], estimates: number[][]): number[] {
  const objective = ([s, u]: number[]) => profiled(points, clampUnit(s!), kappaOf(u!)).error
  const grid: Array<{ v: number[]; error: number }> = []
  for (let i = 0; i <= 50; i++) for (let j = 0; j <= 48; j++) grid.push({ v: [i / 50, -12 + j * 0.25], error: objective([i / 50, -12 + j * 0.25]) })
  grid.sort((a, b) => a.error - b.error)
  const starts = [...grid.slice(0, 4).map((g) => g.v), ...estimates.map((e) => [e[1]!, e[2]! > 0 ? Math.log10(e[2]!) : -12])]
  let best = profiled(points, 0, 0)
  for (const start of starts) {
    const { point } = nelderMead(objective, start, [0.02, 0.25])
    const candidate = profiled(points, clampUnit(point[0]!), kappaOf(point[1]!))
    if (candidate.error < best.error) best = candidate
  }
  for (const e of estimates) if (sse(e, [...points]) < best.error) best = { params: e, error: sse(e, [...points]) }
  return best.params
}

/**
 * Fits the USL by least squares, σ and κ bounded to [0, 1], on throughput scaled to order one for
 * conditioning: Levenberg–Marquardt (analytical Jacobian) from several starts gives estimates; the
 * optimum is then found over σ and κ with λ solved exactly (see profiled), so it is the bounded
 * optimum of whichever model the F-test keeps, with or without an N = 1 point, on a bound or not.
 */
export function fitUsl(points: readonly LoadPoint[]): UslFit {
  if (points.length < 4) throw new RangeError(`fitting the USL needs at least 4 points (3 parameters), got ${points.length}`)
  const scale = Math.max(...points.map((p) => p.x))
  const scaled = points.map((p) => ({ n: p.n, x: p.x / scale }))
  const data = { x: scaled.map((p) => p.n), y: scaled.map((p) => p.x) }
  const start = startingValues(scaled)
  const starts = [start, [start[0]!, 0.05, 0.001], [start[0]!, 0.2, 1e-5], [start[0]!, 1e-4, start[2]!]]
  const estimates = starts.map((initialValues) => levenbergMarquardt(data, model, {
    initialValues, jacobianFunction: jacobian, minValues: [1e-12, 0, 0], maxValues: [1e12, 1, 1],
    maxIterations: 2000, errorTolerance: 1e-14, improvementThreshold: 1e-6, damping: 1e-3,
  }).parameterValues)
  const full = uslOptimum(scaled, estimates)
  const amdahl = amdahlOptimum(scaled)
  // Occam: keep κ only when it improves the fit significantly (an F-test for one extra
  // parameter at 5 %); otherwise a tiny κ would invent a far-away peak the data does not show.
  const fullError = sse(full, scaled)
  const dof = scaled.length - 3
  const f = dof > 0 && fullError > 0 ? (sse(amdahl, scaled) - fullError) / (fullError / dof) : Infinity
  const best = f < fCritical(dof) || full[2]! === 0 ? amdahl : full
  const lambda = best[0]! * scale
  const sigma = best[1]!
  const kappa = best[2]!
  const meanX = points.reduce((s, p) => s + p.x, 0) / points.length
  const ssTot = points.reduce((s, p) => s + (p.x - meanX) ** 2, 0)
  const ssRes = sse([lambda, sigma, kappa], [...points])
  const contentionLimited = kappa === 0
  const peakN = contentionLimited ? null : Math.sqrt((1 - sigma) / kappa)
  return {
    lambda, sigma, kappa, r2: ssTot > 0 ? 1 - ssRes / ssTot : 1,
    peakN, peakX: peakN === null ? null : uslThroughput({ lambda, sigma, kappa }, peakN),
    contentionLimited, points: points.length,
  }
}

// Upper 5 % points of F(1, d), d = 1…30 (standard F tables); 3.84 beyond.
const F_1_D = [161.4, 18.51, 10.13, 7.71, 6.61, 5.99, 5.59, 5.32, 5.12, 4.96, 4.84, 4.75, 4.67, 4.6, 4.54, 4.49, 4.45, 4.41, 4.38, 4.35, 4.32, 4.3, 4.28, 4.26, 4.24, 4.23, 4.21, 4.2, 4.18, 4.17]

function fCritical(dof: number): number {
  return dof >= 1 && dof <= 30 ? F_1_D[dof - 1]! : dof > 30 ? 3.84 : Infinity
}
