/**
 * Nelder–Mead simplex minimisation (Lagarias et al. 1998 coefficients: reflect 1, expand 2,
 * contract ½, shrink ½), for the USL's two-dimensional profiled least squares. Hand-written: the
 * one npm package of it (fmin) is unmaintained since 2016, and ml-levenberg-marquardt, which we use
 * for the first estimate, stops where a bound clips a step rather than at the bounded optimum.
 * Bounds are the caller's: `f` clamps its arguments.
 */
export function nelderMead(f: (v: number[]) => number, start: number[], steps: number[], maxIterations = 2000): { point: number[]; value: number } {
  const dims = start.length
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + steps[i]! : v)))].map((point) => ({ point, value: f(point) }))
  const evaluate = (point: number[]) => ({ point, value: f(point) })
  for (let k = 0; k < maxIterations; k++) {
    simplex.sort((a, b) => a.value - b.value)
    const best = simplex[0]!
    const worst = simplex[dims]!
    if (worst.value - best.value <= 1e-14 * Math.abs(best.value) + 1e-300) break
    const centroid = Array.from({ length: dims }, (_, j) => simplex.slice(0, dims).reduce((s, p) => s + p.point[j]!, 0) / dims)
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.point[j]! - c))
    const reflected = evaluate(along(-1))
    if (reflected.value < best.value) {
      const expanded = evaluate(along(-2))
      simplex[dims] = expanded.value < reflected.value ? expanded : reflected
    } else if (reflected.value < simplex[dims - 1]!.value) {
      simplex[dims] = reflected
    } else {
      const contracted = evaluate(reflected.value < worst.value ? along(-0.5) : along(0.5))
      if (contracted.value < Math.min(worst.value, reflected.value)) simplex[dims] = contracted
      else simplex = simplex.map((p, i) => (i === 0 ? p : evaluate(p.point.map((x, j) => best.point[j]! + 0.5 * (x - best.point[j]!)))))
    }
  }
  simplex.sort((a, b) => a.value - b.value)
  return simplex[0]!
}
