// The imported numbers against the tool's own end-of-test summary: the check that an import read
// the results as the tool did. Percentiles differ by method (k6 and JMeter interpolate between
// samples; lmsload reads HdrHistogram buckets at 3 significant digits), so each line has its own
// allowance and the table says which lines are off.
import { readFileSync } from 'node:fs'
import { UserError } from '../../core/errors.ts'
import type { ImportTotals } from './seconds.ts'
import { k6SummaryMetrics } from './k6.ts'

export interface SummaryLine {
  scope: string
  metric: string
  tool: number
  lmsload: number
  /** |lmsload − tool| as a share of the tool's value. */
  difference: number
  allowed: number
  ok: boolean
}

/** One number of the tool's and lmsload's: agreeing within `allowed` (a share) or `absolute` (same unit). */
export function summaryLine(scope: string, metric: string, tool: number, lmsload: number, allowed: number, absolute = 0): SummaryLine {
  const difference = tool === 0 ? Math.abs(lmsload) : Math.abs(lmsload - tool) / Math.abs(tool)
  return { scope, metric, tool, lmsload, difference, allowed, ok: difference <= allowed || Math.abs(lmsload - tool) <= absolute }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    const e = error as NodeJS.ErrnoException
    throw new UserError('LMSLOAD_IMPORT', `${file}: ${e.code === 'ENOENT' ? 'no such file' : `not JSON: ${e.message.split('\n')[0]}`}`)
  }
}

const ms = (h: ImportTotals['overall'], q: number) => h.getValueAtPercentile(q) / 1000

/** JMeter's dashboard statistics.json (per label and "Total") against the import. */
export function compareJmeterStatistics(file: string, totals: ImportTotals): SummaryLine[] {
  const stats = readJson(file) as Record<string, Record<string, number>>
  if (typeof stats !== 'object' || stats === null || !stats.Total) throw new UserError('LMSLOAD_IMPORT', `${file}: not a JMeter statistics.json (expected a "Total" entry)`)
  const out: SummaryLine[] = []
  for (const [label, s] of Object.entries(stats)) {
    const per = label === 'Total' ? undefined : totals.perEndpoint.get(label)
    if (label !== 'Total' && !per) {
      out.push({ scope: label, metric: 'samples', tool: s.sampleCount ?? 0, lmsload: 0, difference: 1, allowed: 0, ok: false })
      continue
    }
    const h = per?.latency ?? totals.overall
    const count = per?.count ?? totals.requests
    const errors = per ? per.errors : [...totals.perEndpoint.values()].reduce((a, p) => a + p.errors, 0)
    const sum = per ? per.sumMs : [...totals.perEndpoint.values()].reduce((a, p) => a + p.sumMs, 0)
    const min = per ? per.minMs : Math.min(...[...totals.perEndpoint.values()].map((p) => p.minMs))
    const max = per ? per.maxMs : Math.max(...[...totals.perEndpoint.values()].map((p) => p.maxMs))
    out.push(summaryLine(label, 'samples', s.sampleCount!, count, 0))
    out.push(summaryLine(label, 'errors', s.errorCount!, errors, 0))
    out.push(summaryLine(label, 'mean ms', s.meanResTime!, sum / Math.max(1, count), 0.001))
    out.push(summaryLine(label, 'min ms', s.minResTime!, min, 0))
    out.push(summaryLine(label, 'max ms', s.maxResTime!, max, 0))
    // JMeter's percentiles interpolate between neighbouring samples; HdrHistogram returns a sample's bucket.
    out.push(summaryLine(label, 'median ms', s.medianResTime!, ms(h, 50), 0.05, 2))
    out.push(summaryLine(label, 'p90 ms', s.pct1ResTime!, ms(h, 90), 0.05, 2))
    out.push(summaryLine(label, 'p95 ms', s.pct2ResTime!, ms(h, 95), 0.05, 2))
    out.push(summaryLine(label, 'p99 ms', s.pct3ResTime!, ms(h, 99), 0.05, 2))
  }
  return out
}

/** k6's end-of-test summary (--summary-export, or handleSummary's JSON) against the import. */
export function compareK6Summary(file: string, totals: ImportTotals, setupRequests: number): SummaryLine[] {
  const metrics = k6SummaryMetrics(readJson(file), file)
  const out: SummaryLine[] = []
  const reqs = metrics.http_reqs
  // k6 counts setup()'s requests too; the import leaves them out of the learners' numbers.
  if (reqs?.count !== undefined) out.push(summaryLine('overall', 'requests', reqs.count, totals.requests + setupRequests, 0))
  const d = metrics.http_req_duration
  if (d) {
    const h = totals.overall
    const checks: Array<[string, string, number]> = [['avg', 'mean ms', h.mean / 1000], ['min', 'min ms', h.minNonZeroValue / 1000], ['med', 'median ms', ms(h, 50)],
      ['max', 'max ms', h.maxValue / 1000], ['p(90)', 'p90 ms', ms(h, 90)], ['p(95)', 'p95 ms', ms(h, 95)], ['p(99)', 'p99 ms', ms(h, 99)]]
    for (const [key, metric, value] of checks) {
      // Setup requests are in k6's distribution: compare only when there were none.
      if (d[key] !== undefined && setupRequests === 0) out.push(summaryLine('overall', metric, d[key]!, value, 0.02, 0.05))
    }
  }
  const failed = metrics.http_req_failed
  if (failed && (failed.rate !== undefined || failed.value !== undefined) && setupRequests === 0) {
    const errors = [...totals.perEndpoint.values()].reduce((a, p) => a + p.errors, 0)
    out.push(summaryLine('overall', 'error rate', failed.rate ?? failed.value!, errors / Math.max(1, totals.requests), 0.001, 0.0005))
  }
  return out
}
