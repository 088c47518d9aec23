import type { Analysis } from '../app/analyze-types.ts'

const ms = (v: number | undefined) => (v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`)

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n')
}

/** A compact text summary of an analysis: the verdict, budgets, findings and endpoints. */
export function textSummary(a: Analysis): string {
  const out: string[] = [a.verdict.sentence, '']
  if (a.budgets.length > 0) {
    out.push('Budgets')
    for (const b of a.budgets) {
      const measured = b.measured === null ? 'no data' : b.unit === 'ms' ? ms(b.measured) : b.unit === 'ratio' ? `${(100 * b.measured).toFixed(2)} %` : b.measured.toFixed(1)
      out.push(`  ${b.passed ? 'pass' : 'FAIL'}  ${b.target}: ${b.rule} (${b.problem ? b.problem.slice(b.problem.indexOf("': ") + 3) : `measured ${measured}`})`)
    }
    out.push('')
  }
  if (a.findings.length > 0) {
    out.push('Findings (most responsible first)')
    for (const f of a.findings.slice(0, 6)) out.push(`  [${f.severity}] ${f.id}: ${f.title}`)
    out.push('')
  }
  const rows = [['endpoint', 'count', 'req/s', 'errors', 'p50', 'p95', 'p99', 'max']]
  for (const e of [...a.endpoints, a.overall]) {
    rows.push([e.name, String(e.count), e.throughputPerSec.toFixed(1), `${(100 * e.errorRate).toFixed(1)} %`, ms(e.latencyMs?.p50), ms(e.latencyMs?.p95), ms(e.latencyMs?.p99), ms(e.latencyMs?.max)])
  }
  out.push(table(rows))
  for (const w of a.warnings) out.push(`warning: ${w}`)
  return out.join('\n')
}
