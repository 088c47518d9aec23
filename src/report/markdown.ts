import { interferenceLine, streamLine } from './streams-text.ts'
import { drillSentence, outageLines } from './drill.ts'
import type { Analysis } from '../analyze/analysis.ts'
import type { Comparison } from '../analyze/compare/compare.ts'
import { count, duration, ms, notEvaluated, pct, rate, signedPct } from './format.ts'
import { headline } from './headline.ts'
import { trustWarnings } from './trust.ts'
import { budgetDetail, journeyErrorLine, outcomeBadge } from './verdict-text.ts'

/** A table cell: pipes and line breaks would end the cell or the row. */
export function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

function mdTable(head: string[], rows: string[][], align: Array<'l' | 'r'> = []): string {
  const sep = head.map((_, i) => (align[i] === 'r' ? '---:' : '---'))
  return [head, sep, ...rows].map((r) => `| ${r.map(cell).join(' | ')} |`).join('\n')
}

/** summary.md: the verdict, budgets, top findings and the per-endpoint table, in GitHub-flavoured Markdown. */
export function markdownSummary(a: Analysis, options: { reportFile?: string } = {}): string {
  const h = headline(a)
  const badge = outcomeBadge(a)
  const status = `${badge.emoji} ${badge.text}`
  const out: string[] = [
    `## lmsload: ${a.run.scenario} — ${status}`,
    '',
    `> ${h.verdict}`,
    '>',
    `> ${h.capacity}`,
    '',
    `Run \`${a.run.id}\` against ${a.run.target}${a.run.backendProfile ? ` (bundled backend, profile \`${a.run.backendProfile}\`)` : ''}: ` +
      `${duration(a.run.durationSec)}, ${count(a.arrivals.started)} learners, ${count(a.overall.count)} requests, ` +
      `p95 ${ms(a.overall.latencyMs?.p95)}, ${pct(a.overall.errorRate)} errors, status ${a.run.status}.`,
  ]
  const drill = drillSentence(a)
  if (drill) out.push('', '### Outage and recovery', '', drill)
  else if ((a.outages ?? []).length) out.push('', '### Outages', '', ...outageLines(a).map((l) => `- ${l}`))
  const warnings = trustWarnings(a)
  if (warnings.length) out.push('', ...warnings.map((w) => `> [!WARNING]\n> ${w}`))
  if (a.journeyErrors.length) {
    out.push('', '### Journey errors', '', `${count(a.verdict.journeys.failed)} of ${count(a.verdict.journeys.ended)} journeys that ended threw:`, '')
    for (const e of a.journeyErrors.slice(0, 5)) out.push(`- ${cell(journeyErrorLine(e))}`)
    if (a.journeyErrors.length > 5) out.push(`- … and ${a.journeyErrors.length - 5} more distinct errors in \`analysis.json\``)
  }
  if (a.budgets.length) {
    out.push('', '### Budgets', '', mdTable(['', 'target', 'rule', 'measured', 'margin'], a.budgets.map((b) => [
      b.verdict.kind === 'passed' ? '✅' : b.verdict.kind === 'failed' ? '❌' : '❔', `${b.target}${b.source === 'default' ? ' (default)' : ''}`, b.rule, budgetDetail(b), b.margin === null ? '–' : signedPct(b.margin),
    ]), ['l', 'l', 'l', 'r', 'r']))
  }
  if (a.streams?.length) {
    out.push('', '### Streams', '', ...a.streams.map((st) => `- ${cell(streamLine(st))}`))
    const slowed = a.streams.flatMap((st) => st.interference.map((i) => interferenceLine(st, i)).filter((l): l is string => l !== undefined))
    if (slowed.length) out.push('', ...slowed.map((l) => `- slowed: ${cell(l)}`))
  }
  out.push('', '### Findings', '')
  if (a.findings.length === 0) out.push('No bottleneck stood out.')
  for (const [i, f] of a.findings.slice(0, 5).entries()) {
    out.push(`${i + 1}. **${f.category === 'trust' ? 'trust' : f.severity}** \`${f.id}\`: ${f.title}`)
    out.push(`   ${f.recommendation.replace(/\n/g, ' ')}`)
  }
  if (a.findings.length > 5) out.push('', `… and ${a.findings.length - 5} more in \`analysis.json\`.`)
  const unjudged = notEvaluated(a)
  if (unjudged.length) {
    out.push('', `<details><summary>${unjudged.length} rule${unjudged.length === 1 ? '' : 's'} not evaluated (no data to judge by)</summary>`, '')
    for (const r of unjudged) out.push(`- \`${r.id}\`: ${cell(r.reason)}; needs ${cell(r.needs)}`)
    out.push('', '</details>')
  }
  out.push('', '### Endpoints', '', mdTable(['endpoint', 'count', 'req/s', 'errors', 'p50', 'p95', 'p99', 'max'],
    [...a.endpoints, a.overall].map((e) => [e.name === 'overall' ? '**overall**' : `\`${e.name}\``, count(e.count), rate(e.throughputPerSec), pct(e.errorRate), ms(e.latencyMs?.p50), ms(e.latencyMs?.p95), ms(e.latencyMs?.p99), ms(e.latencyMs?.max)]),
    ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']))
  if (options.reportFile) out.push('', `The full report: \`${options.reportFile}\`.`)
  return `${out.join('\n')}\n`
}

/** comparison.md: the per-endpoint verdicts of `lmsload compare`. */
export function markdownComparison(c: Comparison): string {
  const status = c.passed ? '✅ no significant regression' : `❌ ${c.regressions} significant regression${c.regressions === 1 ? '' : 's'} over ${pct(c.maxRegression, 0)}`
  const out = [`## lmsload compare: ${c.candidate.scenario} — ${status}`, '', `Baseline \`${c.baseline.id}\`, candidate \`${c.candidate.id}\`.`]
  for (const w of c.warnings) out.push('', `> [!WARNING]\n> ${w}`)
  out.push('', mdTable(['endpoint', 'verdict', 'p50', 'p95', 'p99', 'req/s', 'p-value', 'why'], c.endpoints.map((e) => [
    `\`${e.name}\``, e.verdict, signedPct(e.change.p50), signedPct(e.change.p95), signedPct(e.change.p99), signedPct(e.change.throughput), e.test ? e.test.p.toFixed(3) : '–', e.reason,
  ]), ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'l']))
  if (c.onlyInBaseline.length) out.push('', `Only in the baseline: ${c.onlyInBaseline.map((n) => `\`${n}\``).join(', ')}.`)
  if (c.onlyInCandidate.length) out.push('', `Only in the candidate: ${c.onlyInCandidate.map((n) => `\`${n}\``).join(', ')}.`)
  return `${out.join('\n')}\n`
}
