import { describe, expect, it } from 'vitest'
import { Rng } from '../../src/core/rng.ts'
import { fitUsl, uslThroughput } from '../../src/analyze/capacity/usl.ts'

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
