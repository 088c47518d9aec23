import type { Analysis, Finding } from '../../analyze/analysis.ts'
import { ladderOf } from '../headline.ts'
import { timeLines, WIDTH, type ChartDef } from './chart.ts'
import { findResource, round3, TARGET_METRICS, TARGET_PROCESS, type Columns } from './data.ts'
import { ms } from '../format.ts'

/** Which chart holds the evidence of a finding: the analyzer says (evidence.chart). */
export function chartOfFinding(f: Finding): string {
  return f.evidence.chart
}

function windowsFor(a: Analysis, chartId: string) {
  return a.findings
    .filter((f) => f.evidence.window && chartOfFinding(f) === chartId)
    .map((f) => ({ startSec: f.evidence.window!.startSec, endSec: f.evidence.window!.endSec, label: f.id }))
}

const LATENCY_METRICS = new Set(['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'min'])

interface ResourcePanel {
  id: string
  title: string
  howToRead: string
  yTitle: string
  yFormat?: string
  series: Array<{ label: string; metric: string; sources: Array<string | ((s: string) => boolean)>; scale?: number }>
}

const isGenerator = ['generator']
const RESOURCE_HEIGHT = 130

const PANELS: ResourcePanel[] = [
  {
    id: 'res-cpu', title: 'CPU', yTitle: 'cores busy',
    howToRead: 'Cores kept busy each second (1 = one core). A target near its core count while latency climbs is CPU-bound; low CPU with rising latency points at waiting (locks, pools, upstreams).',
    series: [
      { label: 'target process', metric: 'cpu_ratio', sources: TARGET_PROCESS },
      { label: 'load generator', metric: 'cpu_ratio', sources: isGenerator },
    ],
  },
  {
    id: 'res-memory', title: 'Memory', yTitle: 'MiB',
    howToRead: 'Resident memory of the target and the generator, and the target\'s JS heap. Steady load with memory that keeps climbing is a leak; a saw-tooth is the garbage collector at work.',
    series: [
      { label: 'target RSS', metric: 'rss_bytes', sources: TARGET_PROCESS, scale: 1 / 1048576 },
      { label: 'target heap used', metric: 'heap_used_bytes', sources: TARGET_METRICS, scale: 1 / 1048576 },
      { label: 'generator RSS', metric: 'rss_bytes', sources: isGenerator, scale: 1 / 1048576 },
    ],
  },
  {
    id: 'res-loop', title: 'Target event-loop delay', yTitle: 'ms',
    howToRead: 'How late the target\'s event loop ran its callbacks (p99 and max per second). Spikes of tens of ms mean synchronous work is blocking every request in that process.',
    series: [
      { label: 'event-loop lag p99', metric: 'event_loop_lag_p99_ms', sources: TARGET_METRICS },
      { label: 'event-loop lag max', metric: 'event_loop_lag_max_ms', sources: TARGET_METRICS },
    ],
  },
  {
    id: 'res-db', title: 'Database time', yTitle: 'share of request time', yFormat: '.0%',
    howToRead: 'The share of the target\'s request time spent in the database, and in waiting for its write lock. A share near 100 % means the database decides the latency.',
    series: [
      { label: 'database time', metric: 'db_time_ratio', sources: TARGET_METRICS },
      { label: 'lock wait', metric: 'db_lock_wait_ratio', sources: TARGET_METRICS },
      { label: 'GC', metric: 'gc_ratio', sources: [] },
    ],
  },
  {
    id: 'res-pool', title: 'Database connection pool', yTitle: 'connections / requests',
    howToRead: 'Connections in use against the pool size, and requests queued for a connection. A queue while CPU idles means the pool (or a lock) is the bottleneck.',
    series: [
      { label: 'pool size', metric: 'db_pool_size', sources: TARGET_METRICS },
      { label: 'in use', metric: 'db_pool_in_use', sources: TARGET_METRICS },
      { label: 'waiting', metric: 'db_pool_waiting', sources: TARGET_METRICS },
    ],
  },
  {
    id: 'res-cache', title: 'Cache hit ratio', yTitle: 'hits / lookups', yFormat: '.0%',
    howToRead: 'The share of cache lookups that hit. A low or falling ratio under steady load means the cache is off, too small or being stampeded.',
    series: [{ label: 'cache hit ratio', metric: 'cache_hit_ratio', sources: TARGET_METRICS }],
  },
  {
    id: 'res-upstream', title: 'Upstream calls', yTitle: 'ms',
    howToRead: 'Mean time of the target\'s calls to its upstream services. Latency that follows this line comes from a dependency, not from the target.',
    series: [{ label: 'upstream mean', metric: 'upstream_mean_ms', sources: TARGET_METRICS }],
  },
  {
    id: 'res-gc', title: 'Garbage collection', yTitle: 'share of time', yFormat: '.0%',
    howToRead: 'The share of each second the target spent collecting garbage. Above a few per cent, allocation pressure is costing latency.',
    series: [{ label: 'GC time', metric: 'gc_ratio', sources: TARGET_METRICS }],
  },
]

export interface ChartSet {
  charts: ChartDef[]
  columns: Columns
  /** Charts grouped by report section. */
  sections: { load: ChartDef[]; endpoints: ChartDef[]; resources: ChartDef[]; capacity: ChartDef[] }
}

/** Every chart of the run report, with the inlined time series they share. */
export function runCharts(a: Analysis, columns: Columns): ChartSet {
  const d = a.run.durationSec
  const load: ChartDef[] = []
  load.push(timeLines({
    id: 'load', title: 'Arrivals and throughput', durationSec: d, windows: windowsFor(a, 'load'), yTitle: 'per second',
    howToRead: 'Planned is what the scenario asked for, started is what the generator achieved: if they part, the results understate the load. Requests/s is what the target served.',
    series: [
      { key: 'planned', label: 'planned arrivals/s' },
      { key: 'started', label: 'started arrivals/s' },
      { key: 'throughput', label: 'requests/s' },
      ...(a.arrivals.dropped > 0 ? [{ key: 'dropped', label: 'dropped arrivals/s' }] : []),
    ],
  }))

  const latencyBudgets = a.budgets.filter((b) => b.unit === 'ms' && LATENCY_METRICS.has(b.metric) && b.verdict.kind !== 'not-judged')
  const byLimit = new Map<number, string[]>()
  for (const b of latencyBudgets) byLimit.set(b.limit, [...(byLimit.get(b.limit) ?? []), `${b.target === 'overall' ? '' : `${b.target} `}${b.rule}`])
  const rules = [...byLimit.entries()].sort((x, y) => y[0] - x[0]).map(([limit, labels], i) => ({ limit, label: labels.join('; '), side: i % 2 === 0 ? 'right' : 'left' }))
  load.push(timeLines({
    id: 'latency', title: 'Latency over time', durationSec: d, windows: windowsFor(a, 'latency'), yTitle: 'ms (log scale)', yScale: { type: 'log' },
    howToRead: 'Percentiles of all responses in each second, on a log scale; dashed lines are latency budgets. Climbing percentiles under flat load mean queueing.',
    series: [{ key: 'p50', label: 'p50' }, { key: 'p95', label: 'p95' }, { key: 'p99', label: 'p99' }],
    extraLayers: rules.length
      ? [{
          data: { values: rules },
          layer: [
            { mark: { type: 'rule', strokeDash: [6, 4], color: '#b91c1c' }, encoding: { y: { field: 'limit', type: 'quantitative' } } },
            { transform: [{ filter: "datum.side == 'right'" }], mark: { type: 'text', align: 'right', dy: -4, fontSize: 10, color: '#b91c1c' }, encoding: { y: { field: 'limit', type: 'quantitative' }, x: { value: WIDTH - 2 }, text: { field: 'label' } } },
            { transform: [{ filter: "datum.side == 'left'" }], mark: { type: 'text', align: 'left', dy: -4, fontSize: 10, color: '#b91c1c' }, encoding: { y: { field: 'limit', type: 'quantitative' }, x: { value: 2 }, text: { field: 'label' } } },
          ],
        }]
      : [],
  }))

  const kinds = Object.keys(a.series.errorsByKind ?? {})
  load.push(timeLines({
    id: 'errors', title: 'Errors over time', durationSec: d, windows: windowsFor(a, 'errors'), yTitle: 'failed requests/s', mark: kinds.length ? 'bar' : 'line', yFormat: 'd', yScale: kinds.length ? { domainMin: 0 } : { domain: [0, 1] },
    howToRead: kinds.length
      ? 'Failed requests each second, stacked by kind: HTTP statuses, timeouts, refused or reset connections. Note when they start and at what load.'
      : 'Failed requests each second. This run had none: the line stays at zero.',
    series: kinds.length ? kinds.map((k) => ({ key: `err:${k}`, label: k })) : [{ key: 'errors', label: 'failed requests/s' }],
  }))

  load.push(timeLines({
    id: 'active', title: 'Active learners', durationSec: d, windows: windowsFor(a, 'active'), yTitle: 'learners', mark: 'area',
    howToRead: 'Learners inside a journey each second (thinking or waiting for a response). It grows when arrivals outpace completions: a sign of a slowing target.',
    series: [{ key: 'active', label: 'active learners' }],
  }))

  const resources: ChartDef[] = []
  for (const panel of PANELS) {
    const series: Array<{ key: string; label: string }> = []
    for (const s of panel.series) {
      const found = findResource(a, s.metric, s.sources)
      if (!found) continue
      const key = `${panel.id}:${series.length}`
      columns[key] = found.values.map((v) => round3(v === null ? null : v * (s.scale ?? 1)))
      series.push({ key, label: s.label })
    }
    if (series.length === 0) continue
    resources.push(timeLines({ id: panel.id, title: panel.title, howToRead: panel.howToRead, durationSec: d, windows: windowsFor(a, panel.id), yTitle: panel.yTitle, yFormat: panel.yFormat, series, height: RESOURCE_HEIGHT }))
  }
  const net = findResource(a, 'net_rx_bytes_per_s', ['host'])
  columns['res-network:0'] = a.series.bytesIn.map((v) => round3(v / 1048576))
  if (net) columns['res-network:1'] = net.values.map((v) => round3(v === null ? null : v / 1048576))
  resources.push(timeLines({
    id: 'res-network', title: 'Network', durationSec: d, windows: windowsFor(a, 'res-network'), yTitle: 'MiB/s',
    height: RESOURCE_HEIGHT,
    howToRead: 'Response bytes the generator received each second (and the host\'s received bytes). Throughput that flattens at a fixed MiB/s while latency grows is bandwidth-bound.',
    series: [{ key: 'res-network:0', label: 'responses received' }, ...(net ? [{ key: 'res-network:1', label: 'host received' }] : [])],
  }))
  resources.push(timeLines({
    id: 'res-generator', title: 'Load generator', durationSec: d, windows: windowsFor(a, 'res-generator'), yTitle: 'busiest worker\'s event-loop utilisation', yFormat: '.0%', yScale: { domain: [0, 1] },
    height: RESOURCE_HEIGHT,
    howToRead: 'How busy the generator\'s busiest worker was. Near 100 % the generator, not the target, limits the load and adds latency: trust the results less.',
    series: [{ key: 'generatorElu', label: 'generator ELU' }],
  }))

  const endpoints = [endpointChart(a), spectrumChart(a)].filter((c): c is ChartDef => c !== undefined)
  const capacity = capacityCharts(a)
  const charts = [...load, ...capacity, ...endpoints, ...resources]
  return { charts, columns, sections: { load, endpoints, resources, capacity } }
}

/** A dot plot (log bars would start at zero): p50–p99 range per endpoint, a dot per percentile. */
function endpointChart(a: Analysis): ChartDef | undefined {
  const rows = a.endpoints.filter((e) => e.latencyMs)
  if (rows.length === 0) return undefined
  const floor = (v: number) => Math.max(v, 0.001)
  const ranges = rows.map((e) => ({ endpoint: e.name, p50: floor(e.latencyMs!.p50), p99: floor(e.latencyMs!.p99) }))
  const dots = rows.flatMap((e) => (['p50', 'p95', 'p99'] as const).map((p) => ({ endpoint: e.name, percentile: p, ms: floor(e.latencyMs![p]) })))
  const y = { field: 'endpoint', type: 'nominal', title: null, sort: rows.map((e) => e.name), axis: { labelLimit: 260 } }
  return {
    id: 'endpoint-latency', title: 'Latency by endpoint', uses: [],
    howToRead: 'Each endpoint\'s p50, p95 and p99 over the whole run on a log scale; the bar spans p50 to p99. The dots furthest right are the routes learners wait for.',
    spec: {
      width: WIDTH - 280, height: { step: 22 },
      layer: [
        { data: { values: ranges }, mark: { type: 'rule', strokeWidth: 3, color: '#d1d5db' }, encoding: { y, x: { field: 'p50', type: 'quantitative', scale: { type: 'log' }, title: 'ms (log scale)' }, x2: { field: 'p99' } } },
        { data: { values: dots }, mark: { type: 'point', filled: true, size: 70, opacity: 1, tooltip: true }, encoding: { y, x: { field: 'ms', type: 'quantitative' }, color: { field: 'percentile', type: 'nominal', sort: ['p50', 'p95', 'p99'], legend: { orient: 'top', title: null } } } },
      ],
    },
    table: { kind: 'static', head: ['endpoint', 'p50', 'p95', 'p99'], rows: rows.map((e) => [e.name, ms(e.latencyMs!.p50), ms(e.latencyMs!.p95), ms(e.latencyMs!.p99)]) },
  }
}

/** The percentile spectrum, as HdrHistogram's plotter draws it: x is 1/(1−p) on a log scale. */
function spectrumChart(a: Analysis): ChartDef | undefined {
  const spectrum = a.spectrum
  if (!spectrum || spectrum.overall.length === 0) return undefined
  const point = (name: string) => (p: { percentile: number; ms: number }) => ({ series: name, x: 1 / (1 - p.percentile / 100), percentile: p.percentile, ms: Math.max(p.ms, 0.001) })
  const usable = (p: { percentile: number }) => p.percentile < 100
  const top = a.endpoints.slice(0, 8).map((e) => e.name)
  const values = [
    ...spectrum.overall.filter(usable).map(point('overall')),
    ...top.flatMap((name) => (spectrum.endpoints[name] ?? []).filter(usable).map(point(name))),
  ]
  const ticks = [2, 10, 100, 1000, 10000, 100000]
  return {
    id: 'spectrum', title: 'Latency distribution (percentile spectrum)', uses: [],
    howToRead: 'Latency (y) at each percentile (x: 50 %, 90 %, 99 %, 99.9 %…, log scale), as HdrHistogram plots it. A line that bends up sharply on the right means a tail a few learners in every hundred or thousand feel.',
    spec: {
      width: WIDTH - 160, height: 260,
      data: { values },
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'percentile', scale: { type: 'log', domain: [1, 100000] }, axis: { values: ticks, labelExpr: 'datum.value == 1 ? "0%" : format(100 - 100 / datum.value, ".5~f") + "%"' } },
        y: { field: 'ms', type: 'quantitative', title: 'ms (log scale)', scale: { type: 'log' } },
        color: { field: 'series', type: 'nominal', title: null, sort: ['overall', ...top], legend: { orient: 'right', labelLimit: 260 } },
        strokeWidth: { condition: { test: "datum.series == 'overall'", value: 3 }, value: 1.2 },
      },
    },
    table: {
      kind: 'static',
      head: ['percentile', 'overall', ...top],
      rows: spectrum.overall.map((p, i) => [`${p.percentile} %`, ms(p.ms), ...top.map((name) => ms(spectrum.endpoints[name]?.[i]?.ms))]),
    },
  }
}

function capacityCharts(a: Analysis): ChartDef[] {
  const ladder = ladderOf(a)
  if (!ladder || ladder.steps.length === 0) return []
  const steps = ladder.steps.map((s, i) => ({ step: i + 1, n: round3(s.concurrency), x: round3(s.throughputPerSec), p95: s.latencyMs ? round3(s.latencyMs.p95) : null, meets: s.meetsSlo ? 'meets SLO' : 'breaks SLO' }))
  const usl = ladder.usl
  const curve = (ladder.uslCurve ?? []).map((p) => ({ n: round3(p.n), x: round3(p.x) }))
  const out: ChartDef[] = [{
    id: 'usl', title: 'Throughput vs concurrency (Universal Scalability Law)', uses: [],
    howToRead: usl
      ? `Each dot is a ladder step; the line is the USL fit (σ ${usl.sigma.toFixed(4)}, κ ${usl.kappa.toFixed(6)}, R² ${usl.r2.toFixed(3)}). ${usl.peakN ? `Throughput peaks at N* ≈ ${usl.peakN.toFixed(1)} requests in flight (dashed line); beyond it adding load lowers throughput.` : 'κ is 0: throughput approaches its ceiling and never falls (contention-limited, Amdahl).'}`
      : 'Each dot is a ladder step (too few steps held for a USL fit).',
    spec: {
      width: WIDTH - 200, height: 260,
      layer: [
        ...(curve.length ? [{ data: { values: curve }, mark: { type: 'line', color: '#6b7280' }, encoding: { x: { field: 'n', type: 'quantitative', title: 'requests in flight (N, Little\'s law)' }, y: { field: 'x', type: 'quantitative', title: 'throughput (requests/s)' } } }] : []),
        ...(usl?.peakN ? [{ data: { values: [{ n: round3(usl.peakN), label: `N* ≈ ${usl.peakN.toFixed(1)}, X ≈ ${usl.peakX?.toFixed(0)}/s` }] }, layer: [
          { mark: { type: 'rule', strokeDash: [6, 4], color: '#b91c1c' }, encoding: { x: { field: 'n', type: 'quantitative' } } },
          { mark: { type: 'text', align: 'left', dx: 4, y: 8, fontSize: 10, color: '#b91c1c' }, encoding: { x: { field: 'n', type: 'quantitative' }, text: { field: 'label' } } },
        ] }] : []),
        { data: { values: steps }, mark: { type: 'point', filled: true, size: 60, tooltip: true }, encoding: { x: { field: 'n', type: 'quantitative', title: 'requests in flight (N, Little\'s law)' }, y: { field: 'x', type: 'quantitative', title: 'throughput (requests/s)' }, color: { field: 'meets', type: 'nominal', title: null, scale: { domain: ['meets SLO', 'breaks SLO'], range: ['#15803d', '#b91c1c'] }, legend: { orient: 'top' } } } },
      ],
    },
    table: { kind: 'static', head: ['step', 'requests in flight', 'throughput/s', 'p95', 'SLO'], rows: steps.map((s) => [s.step, s.n ?? '–', s.x ?? '–', ms(s.p95), s.meets]) },
  }]
  out.push({
    id: 'knee', title: 'Latency vs throughput (the knee)', uses: [],
    howToRead: `p95 of each ladder step against its throughput; the dashed line is the SLO (${ladder.slo.rule}). ${ladder.knee ? `The knee, where latency bends up, is at about ${ladder.knee.throughputPerSec.toFixed(0)} requests/s (ringed).` : 'No knee was found within the steps tried.'}`,
    spec: {
      width: WIDTH - 200, height: 260,
      layer: [
        { data: { values: steps.filter((s) => s.p95 !== null) }, mark: { type: 'line', point: { filled: true, size: 50 }, tooltip: true }, encoding: { x: { field: 'x', type: 'quantitative', title: 'throughput (requests/s)' }, y: { field: 'p95', type: 'quantitative', title: 'p95 (ms, log scale)', scale: { type: 'log' } } } },
        ...(ladder.knee ? [{ data: { values: [{ x: round3(ladder.knee.throughputPerSec), p95: round3(ladder.knee.p95Ms) }] }, mark: { type: 'point', size: 300, strokeWidth: 2, color: '#b91c1c' }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'p95', type: 'quantitative' } } }] : []),
        ...sloRule(ladder.slo),
      ],
    },
    table: { kind: 'static', head: ['step', 'throughput/s', 'p95', 'SLO'], rows: steps.map((s) => [s.step, s.x ?? '–', ms(s.p95), s.meets]) },
  })
  return out
}

/** The SLO's latency limit as a horizontal rule (`p95<800ms` → 800). */
function sloRule(slo: { rule: string; limitMs: number }): Array<Record<string, unknown>> {
  const { rule, limitMs: limit } = slo
  return [{ data: { values: [{ limit, label: `SLO ${rule}` }] }, layer: [
    { mark: { type: 'rule', strokeDash: [6, 4], color: '#b91c1c' }, encoding: { y: { field: 'limit', type: 'quantitative' } } },
    { mark: { type: 'text', align: 'left', x: 4, dy: -5, fontSize: 10, color: '#b91c1c' }, encoding: { y: { field: 'limit', type: 'quantitative' }, text: { field: 'label' } } },
  ] }]
}

