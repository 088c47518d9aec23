import { errorFunction, wilcoxonRankSum } from 'simple-statistics'

export interface MannWhitney {
  u: number
  /** Two-sided p-value (normal approximation with tie correction and continuity correction). */
  p: number
  /** Effect size: P(a value of b exceeds one of a), 0.5 = no shift. */
  probabilityOfSuperiority: number
}

/**
 * Mann–Whitney U (Wilcoxon rank-sum) test of two independent samples. Applied to per-second (or
 * per-window) values, as benchstat does, never to per-request samples, which are correlated.
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): MannWhitney {
  const n1 = a.length
  const n2 = b.length
  const w = wilcoxonRankSum([...a], [...b])
  const u1 = w - (n1 * (n1 + 1)) / 2
  // Tie correction of the variance: Σ(t³ − t) over groups of equal values.
  const counts = new Map<number, number>()
  for (const v of [...a, ...b]) counts.set(v, (counts.get(v) ?? 0) + 1)
  let ties = 0
  for (const t of counts.values()) ties += t ** 3 - t
  const n = n1 + n2
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)))
  const mean = (n1 * n2) / 2
  let p = 1
  if (variance > 0) {
    const z = (Math.abs(u1 - mean) - 0.5) / Math.sqrt(variance)
    // Φ from the error function: simple-statistics' normal table is rounded to four places.
    p = Math.min(1, 1 - errorFunction(Math.max(0, z) / Math.SQRT2))
  }
  return { u: u1, p, probabilityOfSuperiority: 1 - u1 / (n1 * n2) }
}
