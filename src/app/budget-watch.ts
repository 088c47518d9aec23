// The live budget judge: an engine subscriber (DESIGN.md) that reads the per-second stream and
// stops the run through an AbortSignal when a budget marked `abortOnFail` breaks, and the capacity
// ladder's SLO watch. One class for both: a watched rule is judged every second on a rolling window
// of the last seconds, after a delay, and stops the run when it has been broken for some seconds
// in a row. Nothing of it runs inside the engine's loop.
import { splitStreamTarget, JOURNEYS_TARGET, ruleHolds, type BudgetRule } from '../core/budget-rule.ts'
import { generatorBusy } from '../analyze/generator.ts'
import { latencyHistogram, type Histogram } from '../metrics/histogram.ts'
import type { EngineSink, IntervalRecord, StreamInterval } from '../metrics/interval.ts'

/** A rule judged live. Broken when any of `rules` fails on the window. */
export interface WatchedBudget {
  /** What the stop names: `stream:exam POST /api/…: p95 < 1s`. */
  label: string
  /** A budget target: 'overall', an endpoint, 'step:…', 'check:…', 'journeys', 'journey:…', each maybe within 'stream:<name> '. */
  target: string
  rules: BudgetRule[]
  /** Seconds from the start before the rule is judged (k6's delayAbortEval). */
  delaySec: number
  /** The rolling window the rule is judged on, in seconds. */
  windowSec: number
  /** Judgements in a row that must fail before the run is stopped. */
  forSec: number
}

/** One second of a target: what the window keeps. */
interface SecondOf {
  latency: Histogram | undefined
  count: number
  errors: number
  checks: { pass: number; fail: number }
  planned: number
  dropped: number
}

const EMPTY: SecondOf = { latency: undefined, count: 0, errors: 0, checks: { pass: 0, fail: 0 }, planned: 0, dropped: 0 }

/** A target's numbers in one second, from the scope's record (the run's, or a stream's). */
function secondOf(scope: Omit<StreamInterval, 'name'>, target: string): SecondOf {
  const latency = latencyHistogram()
  let count = 0
  let errors = 0
  const checks = { pass: 0, fail: 0 }
  for (const c of Object.values(scope.checks)) {
    checks.pass += c.pass
    checks.fail += c.fail
  }
  if (target === 'overall') {
    for (const e of scope.endpoints.values()) {
      latency.add(e.latency)
      count += e.count
      errors += e.count - e.ok
    }
  } else if (target === JOURNEYS_TARGET || target.startsWith('journey:')) {
    for (const [name, j] of Object.entries(scope.journeys)) {
      if (target !== JOURNEYS_TARGET && name !== target.slice(8)) continue
      count += j.completed + j.failed
      errors += j.failed
    }
  } else if (target.startsWith('step:')) {
    const s = scope.steps.get(target.slice(5))
    if (s) {
      latency.add(s.duration)
      count = s.count
      errors = s.failed
    }
  } else if (target.startsWith('check:')) {
    const c = scope.checks[target.slice(6)] ?? { pass: 0, fail: 0 }
    return { ...EMPTY, checks: c, count: c.pass + c.fail, errors: c.fail }
  } else {
    const e = scope.endpoints.get(target)
    if (e) {
      latency.add(e.latency)
      count = e.count
      errors = e.count - e.ok
    }
  }
  return { latency: latency.totalCount > 0 ? latency : undefined, count, errors, checks, planned: scope.arrivals.planned, dropped: scope.arrivals.dropped }
}

/** The rule's measure on the window, or null when the window has nothing to judge it by. */
function measure(rule: BudgetRule, w: SecondOf): number | null {
  switch (rule.metric) {
    case 'errors':
    case 'failed':
      return w.count > 0 ? w.errors / w.count : null
    case 'checks':
      return w.checks.pass + w.checks.fail > 0 ? w.checks.pass / (w.checks.pass + w.checks.fail) : null
    case 'dropped':
      return w.planned > 0 ? w.dropped / w.planned : null
    case 'rps':
    case 'count':
      // Not live metrics (LIVE_BUDGET_METRICS): defineScenario refuses them for abortOnFail.
      return null
    default: {
      const h = w.latency
      if (!h || h.totalCount === 0) return null
      if (rule.metric === 'mean') return h.mean / 1000
      if (rule.metric === 'max') return h.maxValue / 1000
      if (rule.metric === 'min') return h.minNonZeroValue / 1000
      return h.getValueAtPercentile(rule.metric === 'p999' ? 99.9 : Number(rule.metric.slice(1))) / 1000
    }
  }
}

class Watched {
  readonly budget: WatchedBudget
  private readonly stream: string | undefined
  private readonly target: string
  private readonly window: SecondOf[] = []
  private broken = 0
  constructor(budget: WatchedBudget) {
    this.budget = budget
    const split = splitStreamTarget(budget.target)
    this.stream = split.stream
    this.target = split.target
  }

  /** Adds a second; true when the budget has now been broken for `forSec` judgements in a row. */
  add(record: IntervalRecord, generatorWasBusy: boolean): boolean {
    const scope = this.stream === undefined ? record : record.streams?.find((s) => s.name === this.stream)
    const second = scope ? secondOf(scope, this.target) : EMPTY
    // A second in which the generator was busy says nothing of the target: its latency and its
    // failures (timeouts of requests sent late) are partly the generator's. It enters the window empty.
    this.window.push(generatorWasBusy ? EMPTY : second)
    if (this.window.length > this.budget.windowSec) this.window.shift()
    if (record.second + 1 < this.budget.delaySec) return false
    const w = this.merged()
    const measured = this.budget.rules.map((rule) => ({ rule, m: measure(rule, w) }))
    // A window with nothing to judge (no request, a busy generator) neither breaks nor mends the rule.
    if (measured.every((x) => x.m === null)) return false
    const bad = measured.some(({ rule, m }) => m !== null && !ruleHolds(rule.op, m, rule.limit))
    this.broken = bad ? this.broken + 1 : 0
    return this.broken >= this.budget.forSec
  }

  private merged(): SecondOf {
    const latency = latencyHistogram()
    const out = { latency, count: 0, errors: 0, checks: { pass: 0, fail: 0 }, planned: 0, dropped: 0 }
    for (const s of this.window) {
      if (s.latency) latency.add(s.latency)
      out.count += s.count
      out.errors += s.errors
      out.checks.pass += s.checks.pass
      out.checks.fail += s.checks.fail
      out.planned += s.planned
      out.dropped += s.dropped
    }
    return out
  }
}

/**
 * Judges `budgets` every second and calls `stop` once, with the first budget that broke; after
 * that it only listens.
 */
export class BudgetWatch implements EngineSink {
  private readonly watched: Watched[]
  private readonly stop: (budget: WatchedBudget) => void
  private stopped = false

  constructor(budgets: readonly WatchedBudget[], stop: (budget: WatchedBudget) => void) {
    this.watched = budgets.map((b) => new Watched(b))
    this.stop = stop
  }

  start(): void {}
  event(): void {}

  interval(record: IntervalRecord): void {
    if (this.stopped) return
    const busy = generatorBusy(record.generator.workers)
    for (const w of this.watched) {
      if (w.add(record, busy) && !this.stopped) {
        this.stopped = true
        this.stop(w.budget)
      }
    }
  }
}
