import type { Analysis } from '../../analyze/analysis.ts'
import type { Comparison } from '../../analyze/compare/compare.ts'
import { ms, pct, rate, signedPct } from '../format.ts'
import { WIDTH, type ChartDef } from './chart.ts'
import { round3 } from './data.ts'
import { esc, table } from './escape.ts'
import { figure } from './figure.ts'
import { htmlShell, type ReportAssets } from './page.ts'

function overlay(id: string, title: string, howToRead: string, key: 'p95' | 'throughput', yTitle: string, baseline: Analysis, candidate: Analysis, log: boolean): ChartDef {
  const n = Math.max(baseline.series.t.length, candidate.series.t.length)
  return {
    id, title, howToRead, uses: ['cmp'],
    spec: {
      width: WIDTH, height: 200,
      data: { name: 'cmp' },
      transform: [{ fold: [`b_${key}`, `c_${key}`], as: ['key', 'value'] }, { calculate: `datum.key == 'b_${key}' ? 'baseline' : 'candidate'`, as: 'run' }],
      mark: { type: 'line', strokeWidth: 1.5, tooltip: true },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds since start', scale: { domain: [0, Math.max(1, n)], nice: false } },
        y: { field: 'value', type: 'quantitative', title: yTitle, ...(log ? { scale: { type: 'log' } } : {}) },
        color: { field: 'run', type: 'nominal', title: null, scale: { domain: ['baseline', 'candidate'], range: ['#6b7280', '#dc2626'] }, legend: { orient: 'top' } },
      },
    },
    table: { kind: 'dataset', dataset: 'cmp', columns: [{ key: 't', label: 'second' }, { key: `b_${key}`, label: `baseline ${key}` }, { key: `c_${key}`, label: `candidate ${key}` }] },
  }
}

/** comparison.html: baseline vs candidate overlays and the per-endpoint verdicts of `lmsload compare`. */
export function renderComparisonReport(c: Comparison, baseline: Analysis, candidate: Analysis, assets: ReportAssets): string {
  const n = Math.max(baseline.series.t.length, candidate.series.t.length)
  const col = (values: Array<number | null>) => Array.from({ length: n }, (_, i) => round3(values[i] ?? null))
  const cmp = {
    t: Array.from({ length: n }, (_, i) => i),
    b_p95: col(baseline.series.p95), c_p95: col(candidate.series.p95),
    b_throughput: col(baseline.series.throughput), c_throughput: col(candidate.series.throughput),
  }
  const names = c.endpoints.map((e) => e.name)
  const bars = c.endpoints.flatMap((e) => [
    ...(e.baseline.p95 !== null ? [{ endpoint: e.name, run: 'baseline', p95: Math.max(e.baseline.p95, 0.001) }] : []),
    ...(e.candidate.p95 !== null ? [{ endpoint: e.name, run: 'candidate', p95: Math.max(e.candidate.p95, 0.001) }] : []),
  ])
  const pairs = c.endpoints.filter((e) => e.baseline.p95 !== null && e.candidate.p95 !== null).map((e) => ({ endpoint: e.name, b: Math.max(e.baseline.p95!, 0.001), c: Math.max(e.candidate.p95!, 0.001) }))
  const charts: ChartDef[] = ([
    overlay('cmp-latency', 'p95 latency over time', 'Per-second p95 of all responses in each run, on a log scale: a candidate line above the baseline across the run is a regression, a few spikes are noise.', 'p95', 'p95 (ms, log scale)', baseline, candidate, true),
    overlay('cmp-throughput', 'Throughput over time', 'Requests per second served in each run. The same scenario and seed should give the same shape; a lower candidate line under the same arrivals means the target kept up less.', 'throughput', 'requests/s', baseline, candidate, false),
    {
      id: 'cmp-endpoints', title: 'p95 by endpoint', uses: [],
      howToRead: 'Each endpoint\'s p95 in the baseline (grey) and the candidate (red), log scale; the bar joins the two, so a long bar ending in red on the right is a slowdown.',
      spec: {
        width: WIDTH - 280, height: { step: 22 },
        layer: [
          { data: { values: pairs }, mark: { type: 'rule', strokeWidth: 3, color: '#d1d5db' }, encoding: { y: { field: 'endpoint', type: 'nominal', title: null, sort: names, axis: { labelLimit: 260 } }, x: { field: 'b', type: 'quantitative', scale: { type: 'log' }, title: 'p95 (ms, log scale)' }, x2: { field: 'c' } } },
          { data: { values: bars }, mark: { type: 'point', filled: true, size: 80, opacity: 1, tooltip: true }, encoding: { y: { field: 'endpoint', type: 'nominal', sort: names }, x: { field: 'p95', type: 'quantitative' }, color: { field: 'run', type: 'nominal', title: null, scale: { domain: ['baseline', 'candidate'], range: ['#6b7280', '#dc2626'] }, legend: { orient: 'top' } } } },
        ],
      },
      table: { kind: 'static', head: ['endpoint', 'baseline p95', 'candidate p95'], rows: c.endpoints.map((e) => [e.name, ms(e.baseline.p95), ms(e.candidate.p95)]) },
    },
  ] as ChartDef[]).filter((chart) => chart.id !== 'cmp-endpoints' || bars.length > 0)
  const rows = c.endpoints.map((e) => [e.name, e.verdict, ms(e.baseline.p95), ms(e.candidate.p95), signedPct(e.change.p50), signedPct(e.change.p95), signedPct(e.change.p99), signedPct(e.change.throughput), `${(100 * e.change.errorRatePoints).toFixed(2)} pts`, e.test ? e.test.p.toFixed(4) : '–', e.reason])
  const state = c.passed ? 'pass' : 'fail'
  const sentence = c.passed
    ? `No endpoint regressed significantly beyond ${pct(c.maxRegression, 0)} (Mann–Whitney on per-second p95, α = ${c.alpha}).`
    : `${c.regressions} endpoint${c.regressions === 1 ? '' : 's'} regressed significantly beyond ${pct(c.maxRegression, 0)}: ${c.endpoints.filter((e) => e.verdict === 'regression').map((e) => e.name).join(', ')}.`
  const body = `<main>
<header class="top"><h1>${esc(c.candidate.scenario)}: baseline vs candidate</h1><p class="desc">Baseline <code>${esc(c.baseline.id)}</code> · candidate <code>${esc(c.candidate.id)}</code></p></header>
<section class="verdict ${state}" id="verdict"><p class="badge">${c.passed ? 'No regression' : 'Regression'}</p><p class="sentence">${esc(sentence)}</p>
<p>Baseline: ${rate(baseline.overall.throughputPerSec)} requests/s, p95 ${ms(baseline.overall.latencyMs?.p95)}. Candidate: ${rate(candidate.overall.throughputPerSec)} requests/s, p95 ${ms(candidate.overall.latencyMs?.p95)}.</p></section>
${c.warnings.length ? `<section class="trust"><h2>These runs differ</h2><ul>${c.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>` : ''}
<section id="verdicts"><h2>Per-endpoint verdicts</h2><p class="intro">Changes are candidate against baseline; a verdict needs a significant difference in per-second p95 (not per-request samples, which are correlated).</p>
<div class="table-scroll">${table(['endpoint', 'verdict', 'baseline p95', 'candidate p95', 'Δ p50', 'Δ p95', 'Δ p99', 'Δ req/s', 'Δ errors', 'p-value', 'why'], rows, { sortable: true, numeric: [false, false, true, true, true, true, true, true, true, true, false], rowClass: (i) => (c.endpoints[i]!.verdict === 'regression' ? 'fail' : '') })}</div>
${c.onlyInBaseline.length ? `<p>Only in the baseline: ${c.onlyInBaseline.map((x) => `<code>${esc(x)}</code>`).join(', ')}.</p>` : ''}
${c.onlyInCandidate.length ? `<p>Only in the candidate: ${c.onlyInCandidate.map((x) => `<code>${esc(x)}</code>`).join(', ')}.</p>` : ''}
</section>
<section id="overlays"><h2>Overlays</h2>${charts.map(figure).join('\n')}</section>
<footer>Generated by lmsload ${esc(assets.versions.lmsload)} from both runs' analyses and <code>comparison.json</code>. Works offline.</footer>
</main>`
  return htmlShell({ title: `${c.candidate.scenario} — lmsload comparison`, body, charts, data: { cmp }, assets })
}
