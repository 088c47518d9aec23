import { LIVE_BUDGET_METRICS, parseBudgetRule, ruleFitsTarget, splitStreamTarget, STREAM_NAME, STREAM_TARGET_PREFIX, streamTarget } from '../core/budget-rule.ts'
import { RUN_NAME } from '../core/run-name.ts'
import { Fields } from './location.ts'
import { isArrivalProfile } from './arrival/index.ts'
import { isConcurrencyProfile } from './concurrency/index.ts'
import type { ArrivalProfile } from './arrival/profile.ts'
import type { ConcurrencyProfile } from './concurrency/index.ts'
import { DEFAULT_STREAM, type AbortBudget, type AbortingRule, type Journey, type Scenario, type ScenarioDefinition, type Stream } from './types.ts'

export const SCENARIO_DEFAULTS = { maxLearners: 200_000, connections: 256, requestTimeout: '30s', gracefulStop: '10s' } as const


type Journeys = Scenario['streams'][number]['journeys']

/** Validates one load model and journey mix (`label` names it in errors: '' or "streams.exam."). */
function loadModel(f: Fields, def: { arrival?: unknown; concurrency?: unknown; journeys?: unknown }, label: string): Pick<Stream, 'model' | 'arrival' | 'concurrency'> & { journeys: Journeys } {
  const hasArrival = def.arrival !== undefined
  const hasConcurrency = def.concurrency !== undefined
  if (hasArrival === hasConcurrency) f.fail(`${label ? `${label}: ` : ''}give exactly one of '${label}arrival' (open model) or '${label}concurrency' (closed model)`)
  if (hasArrival && !isArrivalProfile(def.arrival)) f.fail(`'${label}arrival' must be built with arrival.*, e.g. arrival.constant({ rate: 10, duration: '60s' })`)
  if (hasConcurrency && !isConcurrencyProfile(def.concurrency)) f.fail(`'${label}concurrency' must be built with concurrency.*, e.g. concurrency.ramp({ stages: [...] })`)
  const given = def.journeys as Record<string, Journey<unknown>> | undefined
  if (typeof given !== 'object' || given === null || Object.keys(given).length === 0) {
    f.fail(`'${label}journeys' must name at least one journey: { name: { weight, run: async (l) => { … } } }`)
  }
  const journeys = Object.entries(given).map(([name, j]) => {
    if (typeof j !== 'object' || j === null || typeof j.run !== 'function') f.fail(`journey '${name}' needs run: async (l) => { … }`)
    const weight = f.number(`${label}journeys.${name}.weight`, j.weight, { min: 0 })
    return { name, weight, run: j.run }
  })
  if (journeys.every((j) => j.weight === 0)) f.fail(`at least one journey${label ? ` of ${label.slice(0, -1)}` : ''} needs a weight above 0`)
  return {
    model: hasArrival ? 'open' : 'closed',
    arrival: def.arrival as ArrivalProfile | undefined,
    concurrency: def.concurrency as ConcurrencyProfile | undefined,
    journeys,
  }
}

/**
 * Checks budget rules at the scenario's line (targets are checked against the run later) and
 * separates the rules that stop the run; `prefix` puts a stream's targets under `stream:<name>`.
 */
function checkBudgets(f: Fields, budgets: unknown, label: string, prefix: (key: string) => string = (k) => k): { budgets: Record<string, string[]>; aborts: AbortBudget[] } {
  const out: Record<string, string[]> = {}
  const aborts: AbortBudget[] = []
  if (budgets === undefined) return { budgets: out, aborts }
  if (typeof budgets !== 'object' || budgets === null) f.fail(`'${label}budgets' must be an object of rule lists`)
  for (const [key, rules] of Object.entries(budgets)) {
    if (!Array.isArray(rules)) f.fail(`${label}budgets['${key}'] must be a list of rules like ['p95 < 800ms', 'errors < 1%']`)
    const texts = (rules as unknown[]).map((r, i) => {
      const at = `${label}budgets['${key}'][${i}]`
      let text: string
      if (typeof r === 'string') text = r
      else if (typeof r === 'object' && r !== null && typeof (r as AbortingRule).threshold === 'string') {
        const a = r as AbortingRule
        f.known(a, ['threshold', 'abortOnFail', 'delayAbortEval', 'window'])
        if (a.abortOnFail !== true) f.fail(`${at}: a rule written as an object stops the run when broken: give abortOnFail: true (or write the rule as a string)`)
        text = a.threshold
        const windowMs = f.duration(`${at}.window`, a.window, '30s')
        const delayMs = a.delayAbortEval === undefined ? windowMs : f.duration(`${at}.delayAbortEval`, a.delayAbortEval)
        if (windowMs < 1000) f.fail(`${at}.window: at least '1s' (rules are judged on whole seconds)`)
        const rule = parseBudgetRule(text, `${f.where}: ${at}`)
        if (!LIVE_BUDGET_METRICS.has(rule.metric)) f.fail(`${at}: '${text}': a rule that stops the run is judged on a window of seconds: it takes latency, errors, failed, checks or dropped, not '${rule.metric}'`)
        aborts.push({ target: prefix(key), rule: text, delayMs, windowMs })
      } else {
        f.fail(`${at} must be a rule like 'p95 < 800ms', or { threshold: 'p95 < 2s', abortOnFail: true, delayAbortEval?, window? }`)
      }
      const rule = parseBudgetRule(text, `${f.where}: ${at}`)
      const misfit = ruleFitsTarget(rule, prefix(key))
      if (misfit) f.fail(`${at}: '${text}': ${misfit}`)
      return text
    })
    out[key] = texts
  }
  return { budgets: out, aborts }
}

/** Declares a scenario; the default export of a scenario file. Validates everything up front. */
export function defineScenario<Data = unknown>(definition: ScenarioDefinition<Data>): Scenario<Data> {
  const f = new Fields('defineScenario')
  const definedAt = f.where.slice(0, f.where.lastIndexOf(': defineScenario'))
  if (typeof definition !== 'object' || definition === null) f.fail('expected an object { name, arrival | concurrency, journeys } or { name, streams }')
  f.known(definition, ['name', 'description', 'arrival', 'concurrency', 'journeys', 'streams', 'setup', 'budgets', 'tags', 'options'])
  if (typeof definition.name !== 'string' || !RUN_NAME.test(definition.name)) {
    f.fail(`'name' must be lowercase letters, digits, '.', '_' or '-' (it names the run directory), got ${JSON.stringify(definition.name)}`)
  }
  const own = checkBudgets(f, definition.budgets, '')
  const budgets: Record<string, readonly string[]> = { ...own.budgets }
  const aborts: AbortBudget[] = [...own.aborts]
  let streams: Stream[]
  const streamed = definition.streams !== undefined
  if (streamed) {
    if (definition.arrival !== undefined || definition.concurrency !== undefined || definition.journeys !== undefined) {
      f.fail("give either 'streams' or one stream's 'arrival' | 'concurrency' and 'journeys', not both")
    }
    const given = definition.streams
    if (typeof given !== 'object' || given === null || Object.keys(given).length === 0) f.fail("'streams' must name at least one stream: { name: { arrival, journeys } }")
    const journeyStream = new Map<string, string>()
    streams = Object.entries(given).map(([name, def]) => {
      if (!STREAM_NAME.test(name)) f.fail(`stream '${name}': a stream name is lowercase letters, digits, '_' or '-' (at most 40), starting with a letter (it prefixes budget targets: 'stream:${name}')`)
      if (typeof def !== 'object' || def === null) f.fail(`streams.${name} must be an object { arrival | concurrency, journeys, startAfter?, budgets? }`)
      f.known(def, ['arrival', 'concurrency', 'journeys', 'startAfter', 'budgets'])
      const model = loadModel(f, def, `streams.${name}.`)
      for (const j of model.journeys) {
        const other = journeyStream.get(j.name)
        if (other !== undefined) f.fail(`journey '${j.name}' is in streams '${other}' and '${name}': journey names must be unique across streams (they name the journey's counts)`)
        journeyStream.set(j.name, name)
      }
      const startAfterMs = def.startAfter === undefined ? 0 : f.duration(`streams.${name}.startAfter`, def.startAfter)
      for (const key of Object.keys(def.budgets ?? {})) {
        if (key.startsWith(STREAM_TARGET_PREFIX)) f.fail(`streams.${name}.budgets['${key}']: a stream's own budgets name targets within it ('overall', an endpoint, 'step:…'), not another stream`)
      }
      const mine = checkBudgets(f, def.budgets, `streams.${name}.`, (key) => streamTarget(name, key))
      for (const [key, rules] of Object.entries(mine.budgets)) {
        const full = streamTarget(name, key)
        budgets[full] = [...(budgets[full] ?? []), ...rules]
      }
      aborts.push(...mine.aborts)
      return { name, ...model, startAfterMs }
    })
  } else {
    streams = [{ name: DEFAULT_STREAM, ...loadModel(f, definition, ''), startAfterMs: 0 }]
  }
  for (const key of Object.keys(budgets)) {
    const stream = splitStreamTarget(key).stream
    if (stream !== undefined && !streams.some((s) => s.name === stream)) {
      f.fail(`budgets['${key}']: the scenario has no stream '${stream}'${streamed ? ` (its streams: ${streams.map((s) => s.name).join(', ')})` : " (it has one stream, written without 'streams')"}`)
    }
  }
  if (definition.setup !== undefined && typeof definition.setup !== 'function') f.fail("'setup' must be a function")
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
    model: streams.some((s) => s.model === 'open') ? 'open' : 'closed',
    streams: streams as Array<Stream<Data>>,
    streamed,
    setup: definition.setup,
    budgets,
    aborts,
    tags: definition.tags ?? {},
    options,
    definedAt,
    __lmsloadScenario: true,
  }
}

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Scenario).__lmsloadScenario === true
}
