import { parseBudgetRule, ruleFitsTarget } from '../core/budget-rule.ts'
import { RUN_NAME } from '../core/run-name.ts'
import { Fields } from './location.ts'
import { isArrivalProfile } from './arrival/index.ts'
import { isConcurrencyProfile } from './concurrency/index.ts'
import type { Scenario, ScenarioDefinition } from './types.ts'

export const SCENARIO_DEFAULTS = { maxLearners: 200_000, connections: 256, requestTimeout: '30s', gracefulStop: '10s' } as const


/** Declares a scenario; the default export of a scenario file. Validates everything up front. */
export function defineScenario<Data = unknown>(definition: ScenarioDefinition<Data>): Scenario<Data> {
  const f = new Fields('defineScenario')
  const definedAt = f.where.slice(0, f.where.lastIndexOf(': defineScenario'))
  if (typeof definition !== 'object' || definition === null) f.fail('expected an object { name, arrival | concurrency, journeys }')
  f.known(definition, ['name', 'description', 'arrival', 'concurrency', 'journeys', 'setup', 'budgets', 'tags', 'options'])
  if (typeof definition.name !== 'string' || !RUN_NAME.test(definition.name)) {
    f.fail(`'name' must be lowercase letters, digits, '.', '_' or '-' (it names the run directory), got ${JSON.stringify(definition.name)}`)
  }
  const hasArrival = definition.arrival !== undefined
  const hasConcurrency = definition.concurrency !== undefined
  if (hasArrival === hasConcurrency) f.fail("give exactly one of 'arrival' (open model) or 'concurrency' (closed model)")
  if (hasArrival && !isArrivalProfile(definition.arrival)) f.fail("'arrival' must be built with arrival.*, e.g. arrival.constant({ rate: 10, duration: '60s' })")
  if (hasConcurrency && !isConcurrencyProfile(definition.concurrency)) f.fail("'concurrency' must be built with concurrency.*, e.g. concurrency.ramp({ stages: [...] })")
  if (typeof definition.journeys !== 'object' || definition.journeys === null || Object.keys(definition.journeys).length === 0) {
    f.fail("'journeys' must name at least one journey: { name: { weight, run: async (l) => { … } } }")
  }
  const journeys = Object.entries(definition.journeys).map(([name, j]) => {
    if (typeof j !== 'object' || j === null || typeof j.run !== 'function') f.fail(`journey '${name}' needs run: async (l) => { … }`)
    const weight = f.number(`journeys.${name}.weight`, j.weight, { min: 0 })
    return { name, weight, run: j.run }
  })
  if (journeys.every((j) => j.weight === 0)) f.fail("at least one journey needs a weight above 0")
  if (definition.setup !== undefined && typeof definition.setup !== 'function') f.fail("'setup' must be a function")
  const budgets = definition.budgets ?? {}
  for (const [key, rules] of Object.entries(budgets)) {
    if (!Array.isArray(rules) || rules.some((r) => typeof r !== 'string')) f.fail(`budgets['${key}'] must be a list of rules like ['p95 < 800ms', 'errors < 1%']`)
    // Syntax is checked here, at the scenario's line; targets are checked against the run later.
    rules.forEach((text, i) => {
      const rule = parseBudgetRule(text, `${f.where}: budgets['${key}'][${i}]`)
      const misfit = ruleFitsTarget(rule, key)
      if (misfit) f.fail(`budgets['${key}'][${i}]: '${text}': ${misfit}`)
    })
  }
  const o = definition.options ?? {}
  f.known(o, ['maxLearners', 'connections', 'requestTimeout', 'gracefulStop'])
  const options = {
    maxLearners: f.number('options.maxLearners', o.maxLearners, { integer: true, min: 1, fallback: SCENARIO_DEFAULTS.maxLearners }),
    connections: f.number('options.connections', o.connections, { integer: true, min: 1, max: 65_536, fallback: SCENARIO_DEFAULTS.connections }),
    requestTimeout: o.requestTimeout ?? SCENARIO_DEFAULTS.requestTimeout,
    gracefulStop: o.gracefulStop ?? SCENARIO_DEFAULTS.gracefulStop,
  }
  f.duration('options.requestTimeout', options.requestTimeout)
  f.duration('options.gracefulStop', options.gracefulStop)
  return {
    name: definition.name,
    description: definition.description ?? '',
    model: hasArrival ? 'open' : 'closed',
    arrival: definition.arrival,
    concurrency: definition.concurrency,
    journeys,
    setup: definition.setup,
    budgets,
    tags: definition.tags ?? {},
    options,
    definedAt,
    __lmsloadScenario: true,
  }
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Scenario).__lmsloadScenario === true
}
