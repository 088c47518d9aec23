import type { Analysis } from './analysis.ts'

function fmt(value: number | null, unit: string): string {
  if (value === null) return 'no data'
  if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`
  if (unit === 'ratio') return `${(100 * value).toFixed(2)} %`
  if (unit === 'per_s') return `${value.toFixed(1)}/s`
  return String(value)
}

/** The verdict in one sentence a planner understands: budgets, then the first bottleneck. */
export function verdictOf(a: Analysis): Analysis['verdict'] {
  const failed = a.budgets.filter((b) => !b.passed)
  const critical = a.findings.filter((f) => f.severity === 'critical').length
  const parts: string[] = []
  if (a.budgets.length === 0) parts.push('No budgets were set')
  else if (failed.length === 0) parts.push(`All ${a.budgets.length} budgets were met`)
  else if (failed.some((b) => b.problem)) {
    const unseen = [...new Set(failed.filter((b) => b.problem).map((b) => b.target))]
    parts.push(`${failed.length} of ${a.budgets.length} budgets failed, ${unseen.length} on target${unseen.length > 1 ? 's' : ''} the run never saw (${unseen.map((t) => `'${t}'`).join(', ')})`)
  } else {
    const worst = [...failed].sort((x, y) => (x.margin ?? -Infinity) - (y.margin ?? -Infinity))[0]!
    parts.push(`${failed.length} of ${a.budgets.length} budgets failed (worst: ${worst.target} ${worst.metric} was ${fmt(worst.measured, worst.unit)} against ${worst.rule.replace(/^\s*\S+\s*/, '')})`)
  }
  const learners = a.arrivals.started
  parts.push(`${learners.toLocaleString('en-US')} learners made ${a.overall.count.toLocaleString('en-US')} requests` +
    (a.overall.latencyMs ? ` (p95 ${fmt(a.overall.latencyMs.p95, 'ms')}, ${fmt(a.overall.errorRate, 'ratio')} errors)` : ''))
  const top = a.findings[0]
  if (top) parts.push(`the first bottleneck: ${top.title.charAt(0).toLowerCase()}${top.title.slice(1)}`)
  else parts.push('no bottleneck stood out')
  if (a.trust.incomplete) parts.push('the run was cut off, so this covers it up to its last whole second')
  return { passed: failed.length === 0, budgetsFailed: failed.length, findingsCritical: critical, sentence: `${parts.join('; ')}.` }
}
