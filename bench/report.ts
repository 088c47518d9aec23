// Report size and render time for a one-hour run: a synthetic hour (20 endpoints, resources every
// second) analysed by the real analyzer, rendered by the real writers, then opened in Chromium with
// the network blocked. Prints the file size, render time in Node and time until every chart drew.
// Usage: npm run bench:report [-- --seconds 3600 --endpoints 20]
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { analyzeRun } from '../src/analyze/analyze.ts'
import { reportAssets } from '../src/app/report.ts'
import { RUN_REPORTS } from '../src/report/index.ts'
import { openReport } from '../tests/helpers/browser.ts'
import { spread, syntheticRun } from '../tests/helpers/synthetic-run.ts'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3600' }, endpoints: { type: 'string', default: '20' } } })
const seconds = Number(values.seconds)
const endpointCount = Number(values.endpoints)

const wave = (t: number) => 1 + 0.5 * Math.sin((2 * Math.PI * t) / 600)
const { run, histograms } = syntheticRun({
  seconds,
  endpoints: Array.from({ length: endpointCount }, (_, i) => ({
    name: `GET /api/route${i}/:id`,
    count: (t: number) => Math.round(4 * wave(t)),
    latencies: (t: number, n: number) => spread(n, 2 + i, (10 + 3 * i) * wave(t)),
    errors: (t: number): Record<string, number> => (t % 97 === 0 ? { http: 1 } : {}),
  })),
  arrivals: (t) => ({ planned: Math.round(20 * wave(t)), started: Math.round(20 * wave(t)), dropped: 0 }),
  active: (t) => Math.round(200 * wave(t)),
  resources: [
    { source: 'target', kind: 'prometheus', metrics: (t) => ({ cpu_ratio: 0.5 * wave(t), event_loop_lag_p99_ms: 11 + wave(t), heap_used_bytes: 8e7 + 1e4 * t, db_time_ratio: 0.3, db_pool_size: 8, db_pool_in_use: 2 * wave(t), db_pool_waiting: 0, cache_hit_ratio: 0.95, gc_ratio: 0.01, upstream_mean_ms: 40 }) },
    { source: 'target:process', kind: 'process', metrics: (t) => ({ cpu_ratio: 0.5 * wave(t), rss_bytes: 2e8 + 1e4 * t, processes: 1 }) },
    { source: 'generator', kind: 'process', metrics: () => ({ cpu_ratio: 0.2, rss_bytes: 1.2e8, processes: 1 }) },
    { source: 'host', kind: 'host', metrics: () => ({ cpu_ratio: 0.4, cores: 2, net_rx_bytes_per_s: 1e6 }) },
  ],
  budgets: { overall: ['p95 < 200ms', 'errors < 1%'] },
})
const analysis = analyzeRun(run, histograms, { generatedAt: new Date(0).toISOString() })
const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-bench-report-'))
const assets = reportAssets()
const started = performance.now()
const sizes: Record<string, number> = {}
for (const writer of RUN_REPORTS) {
  const text = writer.render(analysis, { assets })
  writeFileSync(path.join(dir, writer.file), text)
  sizes[writer.file] = Buffer.byteLength(text)
}
const renderMs = performance.now() - started
const bundles = Buffer.byteLength(assets.vega) + Buffer.byteLength(assets.vegaLite) + Buffer.byteLength(assets.vegaEmbed)

const openedAt = performance.now()
const report = await openReport(path.join(dir, 'report.html'))
const browserMs = performance.now() - openedAt
await report.close()

const mb = (b: number) => `${(b / 1048576).toFixed(2)} MiB`
console.log(`one synthetic run: ${seconds} s, ${endpointCount} endpoints, ${analysis.overall.count.toLocaleString('en-US')} requests`)
console.log('| measure | value |')
console.log('|---|---|')
console.log(`| report.html size | ${mb(sizes['report.html']!)} (of which inlined vega bundles ${mb(bundles)}; goal < 2 MiB) |`)
console.log(`| summary.md / junit.xml | ${sizes['summary.md']} B / ${sizes['junit.xml']} B |`)
console.log(`| writing all three reports (Node) | ${renderMs.toFixed(0)} ms |`)
console.log(`| Chromium: open from disk until every chart drew | ${browserMs.toFixed(0)} ms (${report.status.rendered}/${report.status.charts} charts, ${report.errors.length} errors, ${report.blocked.length} network requests) |`)
