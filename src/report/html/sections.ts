import type { Analysis, Finding } from '../../analyze/analysis.ts'
import { notEvaluated } from '../format.ts'
import { bytes, count, duration, measured, ms, pct, rate, signedPct } from '../format.ts'
import { headline, ladderOf } from '../headline.ts'
import { trustWarnings } from '../trust.ts'
import { budgetDetail, budgetStatus, journeyErrorLine, outcomeBadge } from '../verdict-text.ts'
import type { ChartDef } from './chart.ts'
import { chartOfFinding } from './charts.ts'
import { esc, table } from './escape.ts'

export function verdictSection(a: Analysis): string {
  const h = headline(a)
  const badge = outcomeBadge(a)
  const errors = a.journeyErrors.length
    ? `\n  <div class="journey-errors"><p><strong>${esc(`${a.verdict.journeys.failed} of ${a.verdict.journeys.ended} journeys that ended threw an error:`)}</strong></p><ul>${a.journeyErrors.slice(0, 5).map((e) => `<li><code>${esc(journeyErrorLine(e))}</code></li>`).join('')}</ul></div>`
    : ''
  return `<section class="verdict ${badge.state === 'incomplete' ? 'fail' : badge.state}" id="verdict" aria-label="Verdict">
  <p class="badge">${esc(`${badge.text.charAt(0).toUpperCase()}${badge.text.slice(1)}`)}</p>
  <p class="sentence">${esc(h.verdict)}</p>
  <p class="capacity">${esc(h.capacity).replace(/`([^`]+)`/g, '<code>$1</code>')}</p>
  <p class="bottleneck">${esc(h.bottleneck)}</p>${errors}
</section>`
}

export function keyNumbers(a: Analysis): string {
  const tiles: Array<[string, string, string?]> = [
    ['learners', count(a.arrivals.started), `up to ${count(a.arrivals.peakActive)} at once`],
    ['requests', count(a.overall.count), `${rate(a.overall.throughputPerSec)}/s on average`],
    ['p95 latency', ms(a.overall.latencyMs?.p95), `p99 ${ms(a.overall.latencyMs?.p99)}`],
    ['errors', pct(a.overall.errorRate), `${count(a.overall.errors)} failed requests`],
    ['budgets', a.budgets.length ? `${a.budgets.filter((b) => b.passed).length} / ${a.budgets.length}` : '–', 'met'],
    ['arrivals achieved', a.arrivals.achievedRatio === null ? '–' : pct(a.arrivals.achievedRatio, 1), `start lag p99 ${ms(a.arrivals.startLagMs?.p99)}`],
    ['duration', duration(a.run.durationSec), a.run.status],
  ]
  return `<section class="numbers" aria-label="Key numbers">${tiles.map(([label, value, sub]) => `<div class="tile"><div class="label">${esc(label)}</div><div class="value">${esc(value)}</div>${sub ? `<div class="sub">${esc(sub)}</div>` : ''}</div>`).join('')}</section>`
}

export function trustSection(a: Analysis): string {
  const warnings = trustWarnings(a)
  if (warnings.length === 0) return ''
  return `<section class="trust" id="trust" aria-label="Trustworthiness"><h2>How far to trust these numbers</h2><ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>`
}

function findingCard(f: Finding, rank: number, charts: Map<string, ChartDef>): string {
  const chartId = chartOfFinding(f)
  const chart = charts.get(chartId) ?? charts.get('latency')
  const w = f.evidence.window
  const values = Object.entries(f.evidence.values).map(([k, v]) => [k, Number.isInteger(v) ? count(v) : Math.abs(v) < 10 ? v.toFixed(3) : v.toFixed(1)])
  return `<article class="finding ${esc(f.severity)}" id="finding-${esc(f.id)}">
  <header><span class="sev">${esc(f.severity)}</span> <span class="rank">#${rank}</span> <code>${esc(f.id)}</code><h3>${esc(f.title)}</h3></header>
  <p>${esc(f.explanation)}</p>
  <div class="evidence"><h4>Evidence</h4>
    <p>${esc(f.evidence.metric)}${w ? `, seconds ${w.startSec}–${w.endSec}` : ''}${f.evidence.endpoints.length ? ` · ${f.evidence.endpoints.map((e) => `<code>${esc(e)}</code>`).join(', ')}` : ''}</p>
    ${values.length ? table(['measure', 'value'], values, { numeric: [false, true] }) : ''}
    ${chart ? `<p><a class="show" href="#fig-${esc(chart.id)}" data-chart="${esc(chart.id)}">See it on “${esc(chart.title)}”${w ? ` (seconds ${w.startSec}–${w.endSec} shaded)` : ''}</a></p>` : ''}
  </div>
  <div class="recommendation"><h4>What to try</h4><p>${esc(f.recommendation)}</p></div>
  <p class="meta">confidence ${pct(f.confidence, 0)} · share of the problem ${pct(f.impact, 0)}</p>
</article>`
}

export function findingsSection(a: Analysis, charts: Map<string, ChartDef>): string {
  const unjudged = notEvaluated(a)
  const body = a.findings.length === 0
    ? `<p class="none">No bottleneck stood out: no rule${unjudged.length ? ' that could judge this run' : ''} found a cause that explains a meaningful share of the latency.</p>`
    : a.findings.map((f, i) => findingCard(f, i + 1, charts)).join('\n')
  const missing = unjudged.length === 0 ? '' : `<details class="not-evaluated"${a.findings.length === 0 ? ' open' : ''}><summary>${unjudged.length} rule${unjudged.length === 1 ? '' : 's'} could not judge this run (not evaluated, which is not the same as healthy)</summary><ul>${
    unjudged.map((r) => `<li><code>${esc(r.id)}</code>: ${esc(r.reason)}. Needs ${esc(r.needs)}.</li>`).join('')}</ul></details>`
  return `<section id="findings"><h2>Bottleneck findings</h2><p class="intro">Most responsible first. Each card says what was seen, where (the shaded window on the chart), and what a backend engineer can try.</p>${body}${missing}</section>`
}

export function budgetsSection(a: Analysis): string {
  if (a.budgets.length === 0) return '<section id="budgets"><h2>Budgets</h2><p class="none">This scenario sets no budgets (add <code>budgets</code> to the scenario or pass <code>--budget file.json</code>).</p></section>'
  const mark = { pass: '✔ pass', FAIL: '✘ fail', 'NOT JUDGED': '? not judged' } as const
  // A budget not judged fails the gate (red) unless it does not gate (the default journey budget without an ended journey).
  const state = (b: (typeof a.budgets)[number]) => (b.verdict.kind === 'passed' ? 'pass' : b.verdict.kind === 'not-judged' && !b.verdict.gates ? 'skip' : 'fail')
  const rows = a.budgets.map((b) => [mark[budgetStatus(b)], b.target, b.rule, budgetDetail(b), b.margin === null ? '–' : signedPct(b.margin), b.source])
  return `<section id="budgets"><h2>Budgets</h2><p class="intro">Margin is the headroom as a share of the limit: positive passes, negative fails.</p>${table(['result', 'target', 'rule', 'measured', 'margin', 'from'], rows, { sortable: true, numeric: [false, false, false, true, true, false], rowClass: (i) => state(a.budgets[i]!) })}</section>`
}

export function endpointTable(a: Analysis): string {
  const rows = [...a.endpoints, a.overall].map((e) => [
    e.name, count(e.count), rate(e.throughputPerSec), pct(e.errorRate), ms(e.latencyMs?.p50), ms(e.latencyMs?.p90), ms(e.latencyMs?.p95), ms(e.latencyMs?.p99), ms(e.latencyMs?.p999), ms(e.latencyMs?.max), ms(e.latencyMs?.mean), bytes(e.bytesIn),
    Object.entries(e.serverTiming).sort((x, y) => y[1].share - x[1].share).slice(0, 2).map(([k, v]) => `${k} ${pct(v.share, 0)}`).join(', ') || '–',
  ])
  return table(['endpoint', 'count', 'req/s', 'errors', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean', 'received', 'server time'], rows,
    { sortable: true, numeric: [false, true, true, true, true, true, true, true, true, true, true, true, false], rowClass: (i) => (i === a.endpoints.length ? 'total' : '') })
}

export function phasesSection(a: Analysis): string {
  if (a.windows.length === 0) return ''
  const rows = a.windows.map((w) => [`${w.startSec}–${w.endSec} s`, w.kind, rate(w.arrivalRatePerSec), rate(w.throughputPerSec), rate(w.concurrency), rate(w.activeLearners), pct(w.errorRate), ms(w.latencyMs?.p50), ms(w.latencyMs?.p95), ms(w.latencyMs?.p99)])
  return `<section id="phases"><h2>Phases</h2><p class="intro">Ramps and plateaus found in the applied load; each steady plateau is summarised on its own. Requests in flight follow from Little's law.</p>${table(['seconds', 'phase', 'arrivals/s', 'requests/s', 'in flight', 'active learners', 'errors', 'p50', 'p95', 'p99'], rows, { numeric: [false, false, true, true, true, true, true, true, true, true] })}</section>`
}

export function journeySection(a: Analysis): string {
  const parts: string[] = []
  if (a.journeys.length) parts.push(table(['journey', 'started', 'completed', 'failed', 'interrupted'], a.journeys.map((j) => [j.name, count(j.started), count(j.completed), count(j.failed), count(j.interrupted)]), { numeric: [false, true, true, true, true], caption: 'Journeys' }))
  if (a.steps.length) parts.push(table(['step', 'count', 'failed', 'p50', 'p95', 'p99'], a.steps.map((s) => [s.name, count(s.count), count(s.failed), ms(s.durationMs?.p50), ms(s.durationMs?.p95), ms(s.durationMs?.p99)]), { numeric: [false, true, true, true, true, true], caption: 'Steps' }))
  if (a.checks.length) parts.push(table(['check', 'pass', 'fail', 'pass rate'], a.checks.map((c) => [c.label, count(c.pass), count(c.fail), pct(c.passRate)]), { numeric: [false, true, true, true], caption: 'Checks' }))
  return parts.length ? `<section id="journeys"><h2>Journeys, steps and checks</h2>${parts.join('\n')}</section>` : ''
}

export function capacitySection(a: Analysis, charts: string): string {
  const ladder = ladderOf(a)
  if (!ladder) return ''
  const usl = ladder.usl
  const rows = ladder.steps.map((s, i) => [i + 1, rate(s.arrivalRatePerSec), rate(s.throughputPerSec), rate(s.concurrency), rate(s.activeLearners), ms(s.latencyMs?.p95), ms(s.latencyMs?.p99), pct(s.errorRate), s.targetCpuRatio === null ? '–' : s.targetCpuRatio.toFixed(2), s.meetsSlo ? 'yes' : 'no'])
  const fit = usl
    ? `<p>Universal Scalability Law fit: λ ${usl.lambda.toFixed(2)}/s per request in flight, σ (contention) ${usl.sigma.toFixed(4)}, κ (coherency) ${usl.kappa.toFixed(6)}, R² ${usl.r2.toFixed(3)}; ${usl.peakN ? `peak throughput ${usl.peakX?.toFixed(0)}/s at ${usl.peakN.toFixed(1)} requests in flight` : 'no finite peak: the system is contention-limited (Amdahl)'}.</p>`
    : '<p>Too few steady steps for a Universal Scalability Law fit (it needs four).</p>'
  return `<section id="capacity"><h2>Capacity</h2>
  ${ladder.plan ? `<p class="plan">${esc(ladder.plan.sentence)}</p>` : ''}
  ${fit}
  ${charts}
  ${table(['step', 'arrivals/s', 'requests/s', 'in flight', 'learners in journeys', 'p95', 'p99', 'errors', 'target CPU (cores)', `meets ${ladder.slo.rule}`], rows, { numeric: [true, true, true, true, true, true, true, true, true, false], caption: 'Ladder steps' })}
</section>`
}

export function metadataSection(a: Analysis, generator: string): string {
  const env = a.run.environment
  const rows: Array<[string, string]> = [
    ['run', a.run.id],
    ['scenario', `${a.run.scenario}${a.run.description ? ` — ${a.run.description}` : ''}`],
    ['model', a.run.model === 'open' ? 'open (arrival rate)' : 'closed (fixed learners)'],
    ['target', `${a.run.target}${a.run.bundledBackend ? ` (bundled reference backend${a.run.backendProfile ? `, profile ${a.run.backendProfile}` : ''})` : ''}`],
    ['started', a.run.startedAt],
    ['status', `${a.run.status}${a.run.complete ? '' : ' (incomplete)'}`],
    ['seed', String(a.run.seed)],
    ['options', Object.entries(a.run.options).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')],
    ['tool', `lmsload ${String(env.lmsloadVersion ?? '?')} on Node ${String(env.node ?? '?')}`],
    ['machine', `${String(env.cpus ?? '?')} × ${String(env.cpuModel ?? '?')}, ${bytes(Number(env.totalMemBytes ?? Number.NaN))} memory, ${String(env.platform ?? '?')}/${String(env.arch ?? '?')}, host ${String(env.hostname ?? '?')}`],
    ['analysed', `${a.generatedAt} (${a.schema})`],
    ['report', generator],
  ]
  return `<section id="metadata"><h2>Run metadata</h2><dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></section>`
}
