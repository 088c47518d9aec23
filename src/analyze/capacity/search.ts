export interface SearchTrial<E> {
  scale: number
  passed: boolean
  evidence: E
}

export interface SearchResult<E> {
  /** The largest scale that kept the budgets, or null when even the smallest tried failed. */
  bestScale: number | null
  /** The smallest scale seen to fail, or null when none failed. */
  failedScale: number | null
  trials: Array<SearchTrial<E>>
}

export interface SearchOptions {
  start: number
  /** Stop when failing / passing scale is below this ratio (default 1.1: within 10 %). */
  precision: number
  maxTrials: number
  /** Scales never go below this. */
  minScale: number
}

/**
 * The largest scale of a scenario that keeps its budgets: double (or halve) from the start until
 * a pass and a fail bracket the limit, then bisect (geometrically) until the bracket is narrow.
 * Pure: the caller runs each trial.
 */
export async function searchScale<E>(trial: (scale: number) => Promise<{ passed: boolean; evidence: E }>, options: SearchOptions): Promise<SearchResult<E>> {
  const trials: Array<SearchTrial<E>> = []
  const run = async (scale: number) => {
    const r = await trial(scale)
    trials.push({ scale, ...r })
    return r.passed
  }
  let pass: number | null = null
  let fail: number | null = null
  let scale = options.start
  while (trials.length < options.maxTrials && (pass === null || fail === null)) {
    if (await run(scale)) {
      pass = scale
      scale *= 2
    } else {
      fail = scale
      if (scale / 2 < options.minScale) break
      scale /= 2
    }
    if (pass !== null && fail !== null && pass > fail) fail = null
  }
  while (pass !== null && fail !== null && fail / pass > options.precision && trials.length < options.maxTrials) {
    const mid = Math.sqrt(pass * fail)
    if (await run(mid)) pass = mid
    else fail = mid
  }
  return { bestScale: pass, failedScale: fail, trials }
}
