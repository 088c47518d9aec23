import { interferenceLine, streamLine } from './streams-text.ts'
import type { Analysis } from '../analyze/analysis.ts'
import { ms, notEvaluated, pct, rate } from './format.ts'
import { headline } from './headline.ts'
import { budgetDetail, budgetStatus, journeyErrorLine } from './verdict-text.ts'
import { drillSentence, outageLines } from './drill.ts'

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n')
}

/** The console summary at the end of `run` and `analyze`: verdict, budgets, findings, endpoints. */
export function consoleSummary(a: Analysis): string {
  const h = headline(a)
  const out: string[] = [a.verdict.sentence, h.capacity, '']
  const drill = drillSentence(a)
  if (drill) out.push(drill, '')
  else if ((a.outages ?? []).length) out.push(...outageLines(a), '')
  if (a.journeyErrors.length > 0) {
    out.push(`Journey errors (${a.verdict.journeys.failed} of ${a.verdict.journeys.ended} ended journeys threw)`)
    for (const e of a.journeyErrors.slice(0, 5)) out.push(`  ${journeyErrorLine(e)}`)
    if (a.journeyErrors.length > 5) out.push(`  … and ${a.journeyErrors.length - 5} more distinct errors in analysis.json`)
    out.push('')
  }
  if (a.budgets.length > 0) {
    out.push('Budgets')
    for (const b of a.budgets) out.push(`  ${budgetStatus(b)}  ${b.target}: ${b.rule} (${budgetDetail(b)})${b.source === 'default' ? ' [default]' : ''}`)
    out.push('')
  }
  if (a.streams?.length) {
    out.push('Streams')
    for (const st of a.streams) out.push(`  ${streamLine(st)}`)
    for (const st of a.streams) for (const i of st.interference) {
      const line = interferenceLine(st, i)
      if (line) out.push(`  slowed: ${line}`)
    }
    out.push('')
  }
  if (a.findings.length > 0) {
    out.push('Findings (most responsible first)')
    for (const f of a.findings.slice(0, 6)) out.push(`  [${f.category === 'trust' ? 'trust' : f.severity}] ${f.id}: ${f.title}`)
    if (a.findings.length > 6) out.push(`  … and ${a.findings.length - 6} more in analysis.json`)
    out.push('')
  }
  const unjudged = notEvaluated(a)
  if (unjudged.length > 0) out.push(`Not evaluated for want of data: ${unjudged.map((r) => r.id).join(', ')} (what each needs: analysis.json rules)`, '')
  const rows = [['endpoint', 'count', 'req/s', 'errors', 'p50', 'p95', 'p99', 'max']]
  for (const e of [...a.endpoints, a.overall]) {
    rows.push([e.name, String(e.count), rate(e.throughputPerSec), pct(e.errorRate, 1), ms(e.latencyMs?.p50), ms(e.latencyMs?.p95), ms(e.latencyMs?.p99), ms(e.latencyMs?.max)])
  }
  out.push(table(rows))
  for (const w of a.warnings) out.push(`warning: ${w}`)
  return out.join('\n')
}
