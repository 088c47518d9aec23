import { describe, expect, it } from 'vitest'
import { Rng } from '../../../src/core/rng.ts'
import { fitUsl, uslThroughput } from '../../../src/analyze/capacity/usl.ts'

// Published: Baron Schwartz, "Practical Scalability Analysis with the Universal Scalability Law"
// (VividCortex 2015), Cisco benchmark; the same data and coefficients are in usl4j's ModelTest
// (github.com/codahale/usl4j): λ = 995.6486, σ = 0.02671591, κ = 7.690945e-4, N* ≈ 35, X* ≈ 12341.
const CISCO: Array<[number, number]> = [
  [1, 955.16], [2, 1878.91], [3, 2688.01], [4, 3548.68], [5, 4315.54], [6, 5130.43], [7, 5931.37], [8, 6531.08],
  [9, 7219.8], [10, 7867.61], [11, 8278.71], [12, 8646.7], [13, 9047.84], [14, 9426.55], [15, 9645.37], [16, 9897.24],
  [17, 10097.6], [18, 10240.5], [19, 10532.39], [20, 10798.52], [21, 11151.43], [22, 11518.63], [23, 11806], [24, 12089.37],
  [25, 12075.41], [26, 12177.29], [27, 12211.41], [28, 12158.93], [29, 12155.27], [30, 12118.04], [31, 12140.4], [32, 12074.39],
]

describe('Universal Scalability Law fit', () => {
  it("reproduces the published Cisco fit (Schwartz; usl4j's test vectors) within 0.1 %", () => {
    const fit = fitUsl(CISCO.map(([n, x]) => ({ n, x })))
    expect(fit.lambda / 995.6486).toBeCloseTo(1, 3)
    expect(fit.sigma / 0.02671591).toBeCloseTo(1, 3)
    expect(fit.kappa / 7.690945e-4).toBeCloseTo(1, 3)
    expect(Math.round(fit.peakN!)).toBe(36)
    expect(fit.peakX! / 12341).toBeCloseTo(1, 3)
  })

  it("reproduces the R usl package's coefficient test (σ = κ = 0.02, λ = 1)", () => {
    const load = [1, 2, 4, 6, 8, 10]
    const tput = [1, 1.8868, 3.0769, 3.5294, 3.5398, 3.3557]
    const fit = fitUsl(load.map((n, i) => ({ n, x: tput[i]! })))
    expect(fit.sigma).toBeCloseTo(0.02, 3)
    expect(fit.kappa).toBeCloseTo(0.02, 3)
    expect(fit.lambda).toBeCloseTo(1, 3)
  })

  it('recovers known σ and κ from synthetic data within 1 %', () => {
    const truth = { lambda: 240, sigma: 0.06, kappa: 0.0008 }
    const points = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64].map((n) => ({ n, x: uslThroughput(truth, n) }))
    const fit = fitUsl(points)
    expect(fit.sigma / truth.sigma).toBeCloseTo(1, 2)
    expect(fit.kappa / truth.kappa).toBeCloseTo(1, 2)
    expect(fit.lambda / truth.lambda).toBeCloseTo(1, 2)
    expect(fit.r2).toBeCloseTo(1, 6)
  })

  it('stays close on noisy data (3 % noise) and reports a lower R²', () => {
    const truth = { lambda: 100, sigma: 0.03, kappa: 0.0005 }
    const rng = new Rng(7)
    const points = Array.from({ length: 40 }, (_, i) => 1 + i * 2).map((n) => ({ n, x: uslThroughput(truth, n) * (1 + 0.03 * rng.normal()) }))
    const fit = fitUsl(points)
    expect(Math.abs(fit.sigma - truth.sigma)).toBeLessThan(0.01)
    expect(Math.abs(fit.peakN! - Math.sqrt((1 - truth.sigma) / truth.kappa)) / Math.sqrt((1 - truth.sigma) / truth.kappa)).toBeLessThan(0.15)
    expect(fit.r2).toBeGreaterThan(0.9)
    expect(fit.r2).toBeLessThan(1)
  })

  it('puts κ on its bound 0 for contention-only (Amdahl) data: no finite peak', () => {
    const points = [1, 2, 4, 8, 16, 32, 64].map((n) => ({ n, x: uslThroughput({ lambda: 50, sigma: 0.1, kappa: 0 }, n) }))
    const fit = fitUsl(points)
    expect(fit.kappa).toBe(0)
    expect(fit.contentionLimited).toBe(true)
    expect(fit.peakN).toBeNull()
    expect(fit.peakX).toBeNull()
    expect(fit.sigma).toBeCloseTo(0.1, 4)
  })
})

// An optimiser of its own, independent of src/: the same least-squares problem over (λ, σ, κ) or
// (λ, σ) with κ = 0, searched on a dense grid of σ and log κ (λ solved exactly at each grid point:
// the model is linear in λ) and refined by Nelder–Mead from the best grid points.
function squaredError(points: Array<{ n: number; x: number }>, lambda: number, sigma: number, kappa: number): number {
  return points.reduce((s, p) => s + (p.x - uslThroughput({ lambda, sigma, kappa }, p.n)) ** 2, 0)
}

function bestLambda(points: Array<{ n: number; x: number }>, sigma: number, kappa: number): number {
  let num = 0
  let den = 0
  for (const p of points) {
    const g = p.n / (1 + sigma * (p.n - 1) + kappa * p.n * (p.n - 1))
    num += p.x * g
    den += g * g
  }
  return Math.max(1e-12, num / den)
}

function nelderMead(f: (v: number[]) => number, start: number[], steps: number[], iterations = 4000): number[] {
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + steps[i]! : v)))].map((v) => ({ v, y: f(v) }))
  for (let k = 0; k < iterations; k++) {
    simplex.sort((a, b) => a.y - b.y)
    const worst = simplex[simplex.length - 1]!
    const centroid = start.map((_, j) => simplex.slice(0, -1).reduce((s, p) => s + p.v[j]!, 0) / (simplex.length - 1))
    const at = (t: number) => centroid.map((c, j) => c + t * (worst.v[j]! - c))
    const r = { v: at(-1), y: 0 }
    r.y = f(r.v)
    if (r.y < simplex[0]!.y) {
      const e = { v: at(-2), y: 0 }
      e.y = f(e.v)
      simplex[simplex.length - 1] = e.y < r.y ? e : r
    } else if (r.y < simplex[simplex.length - 2]!.y) {
      simplex[simplex.length - 1] = r
    } else {
      const c = { v: at(0.5), y: 0 }
      c.y = f(c.v)
      if (c.y < worst.y) simplex[simplex.length - 1] = c
      else simplex = simplex.map((p, i) => (i === 0 ? p : { v: p.v.map((x, j) => simplex[0]!.v[j]! + 0.5 * (x - simplex[0]!.v[j]!)), y: f(p.v.map((x, j) => simplex[0]!.v[j]! + 0.5 * (x - simplex[0]!.v[j]!))) }))
    }
    if (Math.abs(simplex[simplex.length - 1]!.y - simplex[0]!.y) <= 1e-15 * Math.max(1e-300, Math.abs(simplex[0]!.y))) break
  }
  simplex.sort((a, b) => a.y - b.y)
  return simplex[0]!.v
}

function independentOptimum(points: Array<{ n: number; x: number }>, withKappa: boolean): number {
  const clampS = (s: number) => Math.min(1, Math.max(0, s))
  const kappaOf = (u: number) => (u <= -12 ? 0 : 10 ** Math.min(0, u))
  const objective = withKappa
    ? ([s, u]: number[]) => { const sigma = clampS(s!); const kappa = kappaOf(u!); return squaredError(points, bestLambda(points, sigma, kappa), sigma, kappa) }
    : ([s]: number[]) => { const sigma = clampS(s!); return squaredError(points, bestLambda(points, sigma, 0), sigma, 0) }
  const grid: Array<{ v: number[]; y: number }> = []
  for (let i = 0; i <= 100; i++) {
    const s = i / 100
    if (!withKappa) grid.push({ v: [s], y: objective([s]) })
    else for (let j = 0; j <= 40; j++) { const u = -12 + j * 0.3; grid.push({ v: [s, u], y: objective([s, u]) }) }
  }
  grid.sort((a, b) => a.y - b.y)
  let best = grid[0]!.y
  for (const g of grid.slice(0, 4)) {
    const v = nelderMead(objective, g.v, withKappa ? [0.01, 0.3] : [0.01])
    best = Math.min(best, objective(v))
  }
  return best
}

describe('the USL fit is the least-squares optimum of the model it selects', () => {
  it('is never worse than an independent grid + Nelder–Mead search, on 120 random noisy data sets', () => {
    const rng = new Rng(20261130)
    const worse: string[] = []
    for (let trial = 0; trial < 120; trial++) {
      const truth = { lambda: 10 + 990 * rng.next(), sigma: 0.3 * rng.next(), kappa: rng.next() < 0.5 ? 0 : 10 ** (-5 + 3 * rng.next()) }
      const first = rng.next() < 0.3 ? 2 + Math.floor(4 * rng.next()) : 1 // some data sets have no N = 1 point
      const count = 5 + Math.floor(10 * rng.next())
      const stride = 1 + Math.floor(6 * rng.next())
      const noise = 0.01 + 0.09 * rng.next()
      const points = Array.from({ length: count }, (_, i) => first + i * stride).map((n) => ({ n, x: Math.max(1e-3, uslThroughput(truth, n) * (1 + noise * rng.normal())) }))
      const fit = fitUsl(points)
      const ours = squaredError(points, fit.lambda, fit.sigma, fit.kappa)
      const theirs = independentOptimum(points, fit.kappa > 0)
      if (ours > theirs * (1 + 1e-6) + 1e-12) worse.push(`trial ${trial} (${fit.kappa > 0 ? 'λ,σ,κ' : 'λ,σ; κ=0'}): ${ours} > ${theirs}`)
    }
    expect(worse).toEqual([])
  })
})
