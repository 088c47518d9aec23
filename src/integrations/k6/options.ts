import { parseBudgetRule, type BudgetRule } from '../../core/budget-rule.ts'
import { UserError } from '../../core/errors.ts'
import { parseDurationMs } from '../../core/units.ts'
import { shapeLoad, peakRate, type LoadShape } from '../../scenario/shape.ts'
import type { Scenario } from '../../scenario/types.ts'
import { arrivalStages, type K6Stage } from './stages.ts'

/** The name of the k6 scenario that runs the learners, and of the exported function it executes. */
export const K6_SCENARIO = 'learners'
export const K6_EXEC = 'learner'

export type K6Executor =
  | { executor: 'ramping-arrival-rate'; startRate: number; timeUnit: string; preAllocatedVUs: number; maxVUs: number; stages: K6Stage[]; gracefulStop: string; exec: string }
  | { executor: 'ramping-vus'; startVUs: number; stages: K6Stage[]; gracefulRampDown: string; gracefulStop: string; exec: string }

export interface K6Options {
  scenarios: Record<string, K6Executor>
  thresholds: Record<string, string[]>
  setupTimeout: string
  summaryTrendStats: string[]
  tags: Record<string, string>
}

const K6_AGGREGATE: Record<string, string> = {
  p50: 'med', p75: 'p(75)', p90: 'p(90)', p95: 'p(95)', p99: 'p(99)', p999: 'p(99.9)', max: 'max', min: 'min', mean: 'avg',
}

/** A tag value inside a k6 threshold name: k6 splits `{key:value,…}` on commas and braces. */
function tagValue(value: string, where: string): string {
  if (/[,{}]/.test(value)) {
    throw new UserError('LMSLOAD_EXPORT', `${where}: '${value}' cannot be a k6 threshold tag (k6 splits sub-metric names on ',', '{' and '}'); rename it`)
  }
  return value
}

/** A duration as k6 writes it (Go syntax): seconds, up to milliseconds. */
function formatDuration(ms: number): string {
  return `${Math.round(ms) / 1000}s`
}

function ms(limit: number): string {
  return String(Math.round(limit * 1000) / 1000)
}

/**
 * A scenario's budgets as k6 thresholds on tagged sub-metrics: endpoints by the `name` tag,
 * steps by the adapter's `lmsload_step_*` metrics, checks by the `check` tag, `overall` by the
 * `lmsload:learner` tag (setup() requests excluded, as in lmsload's own runs). `dropped` (a share
 * of planned arrivals in lmsload) becomes a count of k6's dropped_iterations against the plan.
 */
export function k6Thresholds(scenario: Scenario, plannedLearners: number): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const add = (metric: string, expression: string) => (out[metric] ??= []).push(expression)
  for (const [target, rules] of Object.entries(scenario.budgets)) {
    const where = `${scenario.definedAt}: budgets['${target}']`
    for (const [i, text] of rules.entries()) {
      const rule: BudgetRule = parseBudgetRule(text, `${where}[${i}]`)
      const op = rule.op
      let selector: string
      let kind: 'http' | 'step' | 'check'
      if (target === 'overall') {
        selector = 'lmsload:learner'
        kind = 'http'
      } else if (target.startsWith('step:')) {
        selector = `step:${tagValue(target.slice(5), where)}`
        kind = 'step'
      } else if (target.startsWith('check:')) {
        selector = `check:${tagValue(target.slice(6), where)}`
        kind = 'check'
      } else {
        selector = `name:${tagValue(target, where)}`
        kind = 'http'
      }
      const aggregate = K6_AGGREGATE[rule.metric]
      if (aggregate) {
        add(`${kind === 'step' ? 'lmsload_step_duration' : 'http_req_duration'}{${selector}}`, `${aggregate}${op}${ms(rule.limit)}`)
      } else if (rule.metric === 'errors') {
        add(`${kind === 'step' ? 'lmsload_step_failed' : 'http_req_failed'}{${selector}}`, `rate${op}${rule.limit}`)
      } else if (rule.metric === 'rps' || rule.metric === 'count') {
        add(`${kind === 'step' ? 'lmsload_steps' : 'http_reqs'}{${selector}}`, `${rule.metric === 'rps' ? 'rate' : 'count'}${op}${rule.limit}`)
      } else if (rule.metric === 'checks') {
        add(kind === 'check' ? `checks{${selector}}` : 'checks', `rate${op}${rule.limit}`)
      } else if (rule.metric === 'dropped') {
        add('dropped_iterations', `count${op}${Math.floor(rule.limit * plannedLearners)}`)
      } else {
        throw new UserError('LMSLOAD_EXPORT', `${where}[${i}]: '${text}' has no k6 threshold equivalent`)
      }
    }
  }
  return out
}

/**
 * k6 options for a scenario: the open model as `ramping-arrival-rate` (its stages fitted to the
 * arrival profile), the closed model as `ramping-vus` with the profile's own stages, budgets as
 * thresholds. `maxLearners` caps the VUs; arrivals beyond it are k6's dropped_iterations.
 */
export function k6Options(scenario: Scenario, shape: LoadShape): K6Options {
  const shaped = shapeLoad(scenario, shape)
  if (shaped.streams.length > 1) {
    throw new UserError('LMSLOAD_USAGE', `export k6: scenario '${scenario.name}' has ${shaped.streams.length} streams (${shaped.streams.map((s) => s.name).join(', ')}); the k6 export takes a scenario of one stream for now`)
  }
  const load = shaped.streams[0]!
  const gracefulStop = scenario.options.gracefulStop
  let executor: K6Executor
  if (load.arrival) {
    const plan = arrivalStages(load.arrival)
    const maxVUs = Math.max(1, Math.min(scenario.options.maxLearners, Math.ceil(load.arrival.counting === 'exact' ? load.learners : load.learners * 1.2 + 10)))
    // VUs k6 creates before the start: enough for ~10 s at the peak rate (k6 adds more up to maxVUs, slowly).
    const preAllocatedVUs = Math.max(1, Math.min(maxVUs, Math.ceil(peakRate(load.arrival) * 10)))
    executor = { executor: 'ramping-arrival-rate', startRate: plan.startRate, timeUnit: plan.timeUnit, preAllocatedVUs, maxVUs, stages: plan.stages, gracefulStop, exec: K6_EXEC }
  } else {
    const c = load.concurrency!.describe() as { start: number; stages: Array<{ target: number; durationSec: number }>; gracefulRampDownSec: number }
    executor = {
      executor: 'ramping-vus',
      startVUs: Math.min(c.start, scenario.options.maxLearners),
      stages: c.stages.map((s) => ({ duration: formatDuration(s.durationSec * 1000), target: Math.min(s.target, scenario.options.maxLearners) })),
      gracefulRampDown: formatDuration(c.gracefulRampDownSec * 1000),
      gracefulStop,
      exec: K6_EXEC,
    }
  }
  parseDurationMs(gracefulStop, 'options.gracefulStop')
  return {
    scenarios: { [K6_SCENARIO]: executor },
    thresholds: k6Thresholds(scenario, load.learners),
    setupTimeout: '5m',
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    tags: { lmsload_scenario: scenario.name, ...scenario.tags },
  }
}
