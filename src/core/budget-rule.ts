import { UserError } from './errors.ts'

// Budget rules, close to k6 thresholds: 'p95 < 800ms', 'p(99) <= 2s', 'errors < 1%', 'rps > 50',
// 'checks > 99%', 'dropped < 0.5%'. Parsed in one place so a scenario's rules are checked where
// they are written and evaluated the same way after the run.

export type BudgetMetric = 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999' | 'max' | 'min' | 'mean' | 'errors' | 'rps' | 'checks' | 'dropped' | 'count' | 'failed'
export type BudgetOp = '<' | '<=' | '>' | '>='

export interface BudgetRule {
  text: string
  metric: BudgetMetric
  op: BudgetOp
  /** ms for latency metrics, a ratio (0..1) for errors/checks/dropped, a number otherwise. */
  limit: number
  unit: 'ms' | 'ratio' | 'per_s' | 'count'
}

const LATENCY: Record<string, BudgetMetric> = {
  p50: 'p50', med: 'p50', median: 'p50', p75: 'p75', p90: 'p90', p95: 'p95', p99: 'p99', 'p99.9': 'p999', p999: 'p999',
  max: 'max', min: 'min', mean: 'mean', avg: 'mean',
}
const RATIOS: Record<string, BudgetMetric> = { errors: 'errors', error_rate: 'errors', checks: 'checks', dropped: 'dropped', failed: 'failed' }
const OTHER: Record<string, BudgetMetric> = { rps: 'rps', throughput: 'rps', count: 'count', requests: 'count' }

export const BUDGET_METRICS = [...Object.keys(LATENCY), 'p(N)', ...Object.keys(RATIOS), ...Object.keys(OTHER)]

/**
 * The shape of a rule, `<metric> <op> <value><unit>`: the parser below and the budget file's JSON
 * Schema (analyze/budgets/schema.ts, published for editors) both use this one pattern. Written
 * without flags, so a JSON Schema validator reads it as the parser does.
 */
export const BUDGET_RULE_PATTERN = '^\\s*([A-Za-z_][A-Za-z0-9_]*(?:\\.\\d+)?|[pP]\\(\\s*\\d+(?:\\.\\d+)?\\s*\\))\\s*(<=|>=|<|>)\\s*(-?\\d+(?:\\.\\d+)?)\\s*([A-Za-z%/]*)\\s*$'
const RULE = new RegExp(BUDGET_RULE_PATTERN)

/** Parses one rule; `where` names it for the error (file, target, index). */
export function parseBudgetRule(text: string, where: string): BudgetRule {
  const fail = (why: string): never => {
    throw new UserError('LMSLOAD_BUDGET', `${where}: '${text}': ${why}`)
  }
  if (typeof text !== 'string') fail(`expected a rule like 'p95 < 800ms' or 'errors < 1%'`)
  const m = RULE.exec(text)
  if (!m) fail(`expected '<metric> <op> <value>', like 'p95 < 800ms' or 'errors < 1%'`)
  let name = m![1]!.toLowerCase().replace(/\s+/g, '')
  const op = m![2] as BudgetOp
  const value = Number(m![3])
  const unit = m![4]!.toLowerCase()
  const k6 = /^p\((\d+(?:\.\d+)?)\)$/.exec(name)
  if (k6) name = k6[1] === '99.9' ? 'p999' : `p${k6[1]}`
  if (LATENCY[name]) {
    const scale: Record<string, number> = { '': 1, ms: 1, s: 1000, us: 0.001 }
    if (!(unit in scale)) fail(`latency needs a unit of us, ms or s, got '${unit}'`)
    if (value < 0) fail('a latency cannot be negative')
    return { text, metric: LATENCY[name]!, op, limit: value * scale[unit]!, unit: 'ms' }
  }
  if (RATIOS[name]) {
    if (unit !== '%' && unit !== '') fail(`${name} is a share: write it as a percentage ('1%') or a fraction ('0.01'), got '${unit}'`)
    const limit = unit === '%' ? value / 100 : value
    if (limit < 0 || limit > 1) fail(`${name} must be between 0% and 100%`)
    return { text, metric: RATIOS[name]!, op, limit, unit: 'ratio' }
  }
  if (OTHER[name]) {
    if (unit !== '' && unit !== '/s') fail(`${name} takes a plain number${OTHER[name] === 'rps' ? " (or '/s')" : ''}, got '${unit}'`)
    return { text, metric: OTHER[name]!, op, limit: value, unit: OTHER[name] === 'rps' ? 'per_s' : 'count' }
  }
  return fail(`unknown metric '${m![1]}' (expected one of: ${BUDGET_METRICS.join(', ')})`)
}

/** Whether `measured` keeps the rule `op limit`. The one comparison of budgets, SLOs and capacity steps. */
export function ruleHolds(op: BudgetOp, measured: number, limit: number): boolean {
  switch (op) {
    case '<':
      return measured < limit
    case '<=':
      return measured <= limit
    case '>':
      return measured > limit
    default:
      return measured >= limit
  }
}

/** A ceiling (`<`, `<=`: the value must stay below) rather than a floor (`>`, `>=`). */
export function isCeiling(op: BudgetOp): boolean {
  return op === '<' || op === '<='
}

/** A rule written back as text in the grammar parseBudgetRule reads (`errors <= 0.500%`, `p95 < 800ms`). */
export function printBudgetRule(rule: Pick<BudgetRule, 'metric' | 'op' | 'limit' | 'unit'>): string {
  const value = rule.unit === 'ratio' ? `${(rule.limit * 100).toFixed(3)}%` : rule.unit === 'ms' ? `${rule.limit}ms` : String(rule.limit)
  return `${rule.metric === 'p999' ? 'p99.9' : rule.metric} ${rule.op} ${value}`
}

/** Metrics a rule can be judged on over a window of seconds, live (a throughput floor or a count means something only over the whole run). */
export const LIVE_BUDGET_METRICS: ReadonlySet<BudgetMetric> = new Set<BudgetMetric>(['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'min', 'mean', 'errors', 'failed', 'checks', 'dropped'])

/** The target of journey budgets: every journey together; `journey:<name>` is one journey. */
export const JOURNEYS_TARGET = 'journeys'

/**
 * The budget lmsload applies when none is set on journeys: a run in which more than 1 % of the
 * journeys that ended threw (a crashing script) fails its gate, as k6 fails on script errors.
 */
export const DEFAULT_JOURNEY_BUDGET = 'failed < 1%'

const isJourneyTarget = (target: string) => target === JOURNEYS_TARGET || target.startsWith('journey:')

/** A traffic stream's budgets: `stream:<name>` is the stream's overall, `stream:<name> <target>` a target within it. */
export const STREAM_TARGET_PREFIX = 'stream:'

/** Stream names: they prefix budget targets and label series, so no spaces and no ':'. */
export const STREAM_NAME = /^[a-z][a-z0-9_-]{0,39}$/

/** Splits `stream:exam POST /api/x` into the stream and the target within it (`overall` for `stream:exam`). */
export function splitStreamTarget(target: string): { stream: string | undefined; target: string } {
  if (!target.startsWith(STREAM_TARGET_PREFIX)) return { stream: undefined, target }
  const rest = target.slice(STREAM_TARGET_PREFIX.length)
  const space = rest.indexOf(' ')
  return space < 0 ? { stream: rest, target: 'overall' } : { stream: rest.slice(0, space), target: rest.slice(space + 1).trim() }
}

/** The budget target of `target` within stream `stream` (the inverse of splitStreamTarget). */
export function streamTarget(stream: string, target: string): string {
  return target === 'overall' ? `${STREAM_TARGET_PREFIX}${stream}` : `${STREAM_TARGET_PREFIX}${stream} ${target}`
}

/** Whether a target is one the rule applies to: `dropped` is overall only; `check:` targets take `checks` only. */
export function ruleFitsTarget(rule: BudgetRule, fullTarget: string): string | undefined {
  const { stream, target } = splitStreamTarget(fullTarget)
  if (stream !== undefined && !STREAM_NAME.test(stream)) return `'${fullTarget}': a stream target is 'stream:<name>' or 'stream:<name> <target>', with a stream name of lowercase letters, digits, '_' or '-'`
  if (target.startsWith(STREAM_TARGET_PREFIX)) return `'${fullTarget}': a stream target cannot name another stream`
  if (isJourneyTarget(target) !== (rule.metric === 'failed')) return `'failed' (the share of ended journeys that threw) applies to 'journeys' and 'journey:<name>', and those take it only`
  if (rule.metric === 'dropped' && target !== 'overall') return `'dropped' applies to 'overall' and 'stream:<name>' only`
  if (target.startsWith('check:') && rule.metric !== 'checks') return `a check target takes 'checks' rules only`
  if (target.startsWith('step:') && (rule.metric === 'checks' || rule.metric === 'dropped')) return `a step target takes latency, errors, rps and count rules`
  return undefined
}
