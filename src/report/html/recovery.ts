import type { Analysis } from '../../analyze/analysis.ts'
import { drillSentence, outageLines } from '../drill.ts'
import { timeX, WIDTH, type ChartDef } from './chart.ts'
import type { Columns } from './data.ts'
import { esc, table } from './escape.ts'

/** The probe's timeline as its own dataset: one row per probe (t, answered 0/1). */
export function probeColumns(a: Analysis): Columns | undefined {
  const timeline = a.drill?.probe.timeline
  if (!timeline?.length) return undefined
  return { t: timeline.map(([t]) => t), up: timeline.map(([, up]) => up) }
}

/** Answered and failed requests per second, the drill's moments as rules, the probe as a strip. */
export function recoveryChart(a: Analysis, columns: Columns): ChartDef | undefined {
  if (!a.drill && (a.outages ?? []).length === 0) return undefined
  columns.answered = a.series.throughput.map((n, i) => Math.max(0, n - (a.series.errors[i] ?? 0)))
  const d = a.drill
  const moments = d
    ? [
        { t: d.kill.atSec, label: 'kill' },
        ...(d.restore ? [{ t: d.restore.atSec, label: 'restore' }] : []),
        ...(d.restart ? [{ t: d.restart.atSec, label: 'restart' }] : []),
        ...(d.recovered ? [{ t: d.recovered.atSec, label: `answering (RTO ${d.rtoSec?.toFixed(1)} s)` }] : []),
      ]
    : []
  const outages = (a.outages ?? []).map((o) => ({ start: o.startSec, end: o.endSec }))
  const x = timeX(a.run.durationSec)
  const layers: Array<Record<string, unknown>> = [
    ...(outages.length ? [{ data: { values: outages }, mark: { type: 'rect', color: '#dc2626', opacity: 0.1 }, encoding: { x: { field: 'start', type: 'quantitative' }, x2: { field: 'end' } } }] : []),
    {
      data: { name: 'ts' },
      transform: [{ fold: ['answered', 'errors'], as: ['key', 'value'] }, { calculate: "datum.key == 'answered' ? 'answered' : 'failed'", as: 'requests' }],
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x, y: { field: 'value', type: 'quantitative', stack: 'zero', title: 'requests/s' },
        color: { field: 'requests', type: 'nominal', title: null, scale: { domain: ['answered', 'failed'], range: ['#2563eb', '#dc2626'] }, legend: { orient: 'top' } },
      },
    },
    ...(moments.length
      ? [{
          data: { values: moments },
          layer: [
            { mark: { type: 'rule', color: '#111827', strokeDash: [4, 3] }, encoding: { x: { field: 't', type: 'quantitative' } } },
            { mark: { type: 'text', angle: 0, align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 10 }, encoding: { x: { field: 't', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } } },
          ],
        }]
      : []),
  ]
  const spec: Record<string, unknown> = probeColumns(a)
    ? {
        vconcat: [
          { width: WIDTH, height: 170, layer: layers },
          {
            width: WIDTH, height: 18, data: { name: 'probe' },
            mark: { type: 'tick', thickness: 2, tooltip: true },
            encoding: {
              x, color: { field: 'state', type: 'nominal', title: 'recovery probe', scale: { domain: ['answered', 'no answer'], range: ['#16a34a', '#dc2626'] }, legend: { orient: 'bottom' } },
            },
            transform: [{ calculate: "datum.up == 1 ? 'answered' : 'no answer'", as: 'state' }],
          },
        ],
      }
    : { width: WIDTH, height: 170, layer: layers }
  return {
    id: 'recovery', title: 'Outage and recovery',
    howToRead: 'Requests answered (blue) and failed (red) each second; red bands are outages. Dashed lines mark the drill: kill, restore, restart, and the first answer after the kill. The strip below is the recovery probe, ten requests a second.',
    spec, uses: probeColumns(a) ? ['ts', 'probe'] : ['ts'],
    table: { kind: 'dataset', dataset: 'ts', columns: [{ key: 't', label: 'second' }, { key: 'answered', label: 'answered' }, { key: 'errors', label: 'failed' }] },
  }
}

/** The "Outage and recovery" section: the drill in words, its numbers, lost writes, the chart. */
export function recoverySection(a: Analysis, chart: string): string {
  const d = a.drill
  const outages = outageLines(a)
  if (!d && outages.length === 0) return ''
  const parts: string[] = []
  const sentence = drillSentence(a)
  if (sentence) parts.push(`<p class="plan">${esc(sentence)}</p>`)
  if (d) {
    const rows: Array<[string, string]> = [
      ['killed', `${d.kill.atSec.toFixed(1)} s — ${d.kill.how}`],
      ...(d.restore ? [['restored', `${d.restore.atSec.toFixed(1)} s — ${d.restore.how} (${d.restore.durationSec.toFixed(1)} s)`] as [string, string]] : []),
      ...(d.restart ? [['restarted', `${d.restart.atSec.toFixed(1)} s — ${d.restart.how}`] as [string, string]] : []),
      ['answering again', d.recovered ? `${d.recovered.atSec.toFixed(1)} s` : 'never'],
      ['RTO (client view)', d.rtoSec === null ? 'not recovered' : `${d.rtoSec.toFixed(2)} s`],
      ['requests failed in the outage', `${d.failedDuringOutage} of ${d.requestsDuringOutage}`],
      ['acknowledged writes', d.writes ? `${d.writes.acknowledged} acknowledged, ${d.writes.checked} checked by ${d.writes.verifier}, ${d.writes.lost} lost` : 'not checked'],
      ['RPO', d.writes ? `${d.writes.rpoSec.toFixed(2)} s of acknowledged writes lost` : 'unknown'],
    ]
    parts.push(`<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`)
    if (d.writes?.lostSample.length) {
      parts.push(table(['kind', 'key', 'acknowledged value', 'found after recovery', 'acknowledged at (s)'], d.writes.lostSample.map((w) => [w.kind, w.key, String(w.expected ?? '–'), w.found === null ? 'nothing' : String(w.found), w.t.toFixed(1)]), { caption: 'Lost acknowledged writes (first 20)' }))
    }
  }
  if (outages.length) parts.push(`<ul>${outages.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>`)
  return `<section id="recovery"><h2>Outage and recovery</h2>${parts.join('\n')}${chart}</section>`
}
