// The streams of a run whose scenario has several (`defineScenario({ streams })`): side by side,
// and what each stream's busy seconds did to the others' latency ("the exam starves the background").
import type { Analysis, StreamSummary } from '../../analyze/analysis.ts'
import { ms } from '../format.ts'
import { timeLines, type ChartDef } from './chart.ts'
import { round3, type Columns } from './data.ts'
import { esc, table } from './escape.ts'
import { figure } from './figure.ts'
import { interferenceLine } from '../streams-text.ts'

/** The streams' charts; their series go into `columns` as `stream:<name>:<series>`. */
export function streamCharts(a: Analysis, columns: Columns): ChartDef[] {
  const streams = a.streams
  if (!streams || streams.length === 0) return []
  const d = a.run.durationSec
  for (const s of streams) {
    columns[`stream:${s.name}:throughput`] = s.series.throughput
    columns[`stream:${s.name}:started`] = s.series.arrivalsStarted
    columns[`stream:${s.name}:p95`] = s.series.p95.map(round3)
  }
  // Each stream's busy stretch is shaded on both charts: a latency that rises inside another stream's shade is that stream's doing.
  const windows = streams.flatMap((s) => (s.busy ? [{ startSec: s.busy.startSec, endSec: s.busy.endSec, label: `${s.name} busy` }] : []))
  return [
    timeLines({
      id: 'streams-throughput', title: 'Streams: requests per second', durationSec: d, windows, yTitle: 'requests/s',
      howToRead: 'Each stream\'s requests per second; shaded are the stretches in which a stream was busy (its requests at half their peak or more).',
      series: streams.map((s) => ({ key: `stream:${s.name}:throughput`, label: s.name })),
    }),
    timeLines({
      id: 'streams-latency', title: 'Streams: p95 latency side by side', durationSec: d, windows, yTitle: 'ms (log scale)', yScale: { type: 'log' },
      howToRead: 'Each stream\'s p95 per second on a log scale. A stream whose latency climbs inside another stream\'s shaded stretch is slowed by that stream\'s traffic (the exam starving the background).',
      series: streams.map((s) => ({ key: `stream:${s.name}:p95`, label: s.name })),
    }),
  ]
}

function row(s: StreamSummary): string[] {
  const l = s.overall.latencyMs
  return [
    s.name, s.model, `${s.startAfterSec} s`, String(s.arrivals.planned), String(s.arrivals.started), String(s.arrivals.dropped),
    String(s.overall.count), ms(l?.p50), ms(l?.p95), ms(l?.p99), `${(s.overall.errorRate * 100).toFixed(2)} %`,
  ]
}

/** The Streams section: a table side by side, the interference sentences, the two charts. */
export function streamsSection(a: Analysis, charts: ChartDef[]): string {
  const streams = a.streams
  if (!streams || streams.length === 0) return ''
  const sentences = streams.flatMap((s) => s.interference.map((i) => interferenceLine(s, i)).filter((x): x is string => x !== undefined))
  return `<section id="streams"><h2>Streams</h2><p class="intro">The scenario runs ${streams.length} traffic streams on one clock, one target and one plan; each is measured on its own.</p>
<div class="table-scroll">${table(['stream', 'model', 'starts at', 'planned', 'started', 'dropped', 'requests', 'p50', 'p95', 'p99', 'errors'], streams.map(row), { numeric: [false, false, true, true, true, true, true, true, true, true, true], caption: 'Streams side by side' })}</div>
${sentences.length ? `<ul class="interference">${sentences.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>` : ''}
${charts.map(figure).join('\n')}
</section>`
}
