import { levenbergMarquardt } from 'ml-levenberg-marquardt'

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
 * Fits the USL by nonlinear least squares (Levenberg–Marquardt, analytical Jacobian, σ and κ
 * bounded to [0, 1]), from several starts, on throughput scaled to order one for conditioning.
 */
export function fitUsl(points: readonly LoadPoint[]): UslFit {
  if (points.length < 4) throw new RangeError(`fitting the USL needs at least 4 points (3 parameters), got ${points.length}`)
  const scale = Math.max(...points.map((p) => p.x))
  const scaled = points.map((p) => ({ n: p.n, x: p.x / scale }))
  const data = { x: scaled.map((p) => p.n), y: scaled.map((p) => p.x) }
  const start = startingValues(scaled)
  const starts = [start, [start[0]!, 0.05, 0.001], [start[0]!, 0.2, 1e-5], [start[0]!, 1e-4, start[2]!]]
  let best: number[] = start
  let bestError = Infinity
  for (const initialValues of starts) {
    const result = levenbergMarquardt(data, model, {
      initialValues, jacobianFunction: jacobian, minValues: [1e-12, 0, 0], maxValues: [1e12, 1, 1],
      maxIterations: 2000, errorTolerance: 1e-14, improvementThreshold: 1e-6, damping: 1e-3,
    })
    const error = sse(result.parameterValues, scaled)
    if (error < bestError) {
      bestError = error
      best = result.parameterValues
    }
  }
  // Occam: keep κ only when it improves the fit significantly (an F-test for one extra
  // parameter at 5 %); otherwise a tiny κ would invent a far-away peak the data does not show.
  const amdahl = levenbergMarquardt(data, model, {
    initialValues: [best[0]!, best[1]!, 0], jacobianFunction: jacobian, minValues: [1e-12, 0, 0], maxValues: [1e12, 1, 0],
    maxIterations: 2000, errorTolerance: 1e-14, improvementThreshold: 1e-6, damping: 1e-3,
  }).parameterValues
  const dof = scaled.length - 3
  const f = dof > 0 && bestError > 0 ? (sse(amdahl, scaled) - bestError) / (bestError / dof) : Infinity
  if (f < fCritical(dof)) best = amdahl
  const lambda = best[0]! * scale
  const sigma = best[1]!
  const kappa = best[2]! < 1e-12 ? 0 : best[2]!
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
