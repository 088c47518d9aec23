// When the load generator, not the target, made the latency: decided once, here, per second, from
// what each load worker reports about itself (event-loop utilisation and lag). The analyzer calls it
// over the recorded series; live progress, the run's result and a capacity ladder's SLO watch call
// it on each second as it arrives, so all of them agree.

// A worker is busy when its event loop is this busy or this late: requests then leave late and
// the delay counts as the target's latency. Saturated after this many busy seconds in a row (one
// busy second is a GC pause or a burst of arrivals; three are a generator out of CPU).
export const BUSY_ELU = 0.95
export const BUSY_LAG_MS = 50
export const SATURATED_SECONDS = 3

/** One load worker's view of itself in one second (absent when the worker sent nothing). */
export interface GeneratorWorkerSecond {
  elu: number
  lagP99Ms: number
}

/** Whether the generator was busy in a second: any worker's loop at least 95 % busy or 50 ms late. */
export function generatorBusy(workers: ReadonlyArray<GeneratorWorkerSecond | null | undefined>): boolean {
  return workers.some((w) => w !== null && w !== undefined && (w.elu >= BUSY_ELU || w.lagP99Ms >= BUSY_LAG_MS))
}

/** Per recorded second (the analysis series' generator maxima over workers), busy or not, or null when no worker reported. */
export function busySeconds(g: { eluMax: ReadonlyArray<number | null>; lagP99MaxMs: ReadonlyArray<number | null> }): Array<boolean | null> {
  return g.eluMax.map((elu, i) => (elu === null && g.lagP99MaxMs[i] === null ? null : generatorBusy([{ elu: elu ?? 0, lagP99Ms: g.lagP99MaxMs[i] ?? 0 }])))
}

/** Busy seconds in a row, carried from one second to the next. */
export function busyRun(before: number, busy: boolean): number {
  return busy ? before + 1 : 0
}

/** The first second of the first stretch of SATURATED_SECONDS busy seconds, or undefined. */
export function saturatedFrom(busy: ReadonlyArray<boolean | null>): number | undefined {
  let run = 0
  for (let i = 0; i < busy.length; i++) {
    run = busyRun(run, busy[i] === true)
    if (run === SATURATED_SECONDS) return i - SATURATED_SECONDS + 1
  }
  return undefined
}

/** The one warning every output gives (finding, trust box, console, compare). */
export const GENERATOR_SATURATED = {
  short: 'the load generator saturated: latencies include its own delays',
  explanation: (busy: number, seconds: number) =>
    `A load worker's event loop was at least ${Math.round(BUSY_ELU * 100)} % busy or ${BUSY_LAG_MS} ms late in ${busy} of ${seconds} seconds` +
    ` (${SATURATED_SECONDS} in a row or more): requests then leave late and the delay counts as latency. The target may be faster than these numbers say.`,
  recommendation: 'Give the generator more cores (--workers), run it on another machine (lmsload export k6), or lower the load; re-run before trusting the tail latencies.',
}
