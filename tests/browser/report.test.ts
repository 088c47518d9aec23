// The reports in a real browser: Debian's Chromium, driven by playwright-core, opens report.html
// from disk with the network blocked. Every chart must draw marks, the page must log no error,
// and the findings and tables must be visible. A screenshot stays in the run directory.
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportAssets } from '../../src/app/report.ts'
import { runScenario, type RunOutcome } from '../../src/app/run.ts'
import { compareAnalyses } from '../../src/analyze/compare/compare.ts'
import { renderComparisonReport } from '../../src/report/html/compare.ts'
import { renderRunReport } from '../../src/report/html/page.ts'
import { ladderAnalysis, troubledAnalysis } from '../helpers/analyses.ts'
import { openReport, type OpenedReport } from '../helpers/browser.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
let outcome: RunOutcome
beforeAll(async () => {
  target = await startTarget()
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-browser-')), 'run')
  outcome = await runScenario({
    scenarioFile: writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'browser-check',
        description: 'Items and a slow search in two streams, with one budget set to fail.',
        streams: {
          items: { arrival: arrival.ramp({ from: 8, to: 45, duration: '4s' }), journeys: { browse: { weight: 1, run: async (l) => { await l.get('/items/:id', { params: { id: l.id } }) } } } },
          search: { arrival: arrival.constant({ rate: 15, duration: '2s' }), startAfter: '1s', journeys: { search: { weight: 1, run: async (l) => { await l.get('/search?delay=30') } } } },
        },
        budgets: { overall: ['errors < 1%'], 'GET /search': ['p95 < 5ms'] },
      })`),
    target: target.url, out, workers: 1,
  }, { signal: new AbortController().signal })
}, 60_000)
afterAll(async () => {
  await target?.close()
})

/** Per chart container: how many data marks (not axes or legends) its SVG drew. */
async function marksPerChart(r: OpenedReport): Promise<Record<string, number>> {
  // A string, so the project's types need no DOM library.
  return r.page.evaluate(`(() => {
    const out = {}
    for (const el of document.querySelectorAll('div.vega')) out[el.id] = el.querySelectorAll('svg .role-mark > path, svg .role-mark > g, svg .role-mark > text, svg .role-mark > line').length
    return out
  })()`)
}

function expectCleanRender(r: OpenedReport, charts: Record<string, number>) {
  expect(r.errors).toEqual([])
  expect(r.blocked).toEqual([])
  expect(r.status.failed).toEqual([])
  expect(r.status.rendered).toBe(r.status.charts)
  expect(Object.keys(charts)).toHaveLength(r.status.charts)
  for (const [id, n] of Object.entries(charts)) expect(n, `${id} drew no marks`).toBeGreaterThan(0)
}

describe('report.html in Chromium', () => {
  it('renders every chart of a real run offline, with findings, tables and the failing budget visible', async () => {
    expect(outcome.status).toBe('completed')
    const r = await openReport(outcome.reports.html)
    try {
      const charts = await marksPerChart(r)
      expectCleanRender(r, charts)
      expect(Object.keys(charts)).toEqual(expect.arrayContaining(['chart-load', 'chart-latency', 'chart-errors', 'chart-active', 'chart-endpoint-latency', 'chart-spectrum', 'chart-res-cpu', 'chart-res-memory', 'chart-res-generator', 'chart-streams-throughput', 'chart-streams-latency']))
      // The streams side by side: a row each, in the scenario's order.
      expect(await r.page.locator('#streams table tbody tr td:first-child').allInnerTexts()).toEqual(['items', 'search'])
      const page = r.page
      expect(await page.locator('#verdict .sentence').innerText()).toBe(outcome.analysis.verdict.sentence)
      // The scenario's two budgets and the default journey budget.
      expect(await page.locator('#verdict .badge').innerText()).toBe('1 of 3 budgets failed')
      await expect(page.locator('#findings h2').isVisible()).resolves.toBe(true)
      const budgetRows = page.locator('#budgets tbody tr')
      expect(await budgetRows.count()).toBe(3)
      expect(await page.locator('#budgets tr.fail').innerText()).toMatch(/GET \/search\s+p95 < 5ms\s+measured [\d.]+ ms/)
      const endpointRows = page.locator('#endpoints table.sortable tbody tr')
      expect(await endpointRows.count()).toBe(outcome.analysis.endpoints.length + 1)
      expect(await endpointRows.first().isVisible()).toBe(true)

      // Sorting by p95 (descending) puts the slow search first and keeps the total row last.
      const p95Header = page.locator('#endpoints table.sortable th', { hasText: /^p95$/ })
      await p95Header.click()
      await p95Header.click()
      expect(await p95Header.getAttribute('aria-sort')).toBe('descending')
      expect(await endpointRows.first().locator('td').first().innerText()).toBe('GET /search')
      expect(await endpointRows.last().locator('td').first().innerText()).toBe('overall')

      // A time chart's data table is built when opened, one row per second.
      await page.locator('#fig-latency details.data summary').click()
      await expect.poll(() => page.locator('#fig-latency details.data tbody tr').count()).toBe(outcome.analysis.series.t.length)

      const shot = path.join(outcome.dir, 'report.png')
      await page.screenshot({ path: shot, fullPage: true })
      expect(statSync(shot).size).toBeGreaterThan(50_000)
    } finally {
      await r.close()
    }
  }, 60_000)

  it('draws capacity, finding windows and error kinds, and a comparison report, all without errors', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-browser-'))
    const assets = reportAssets()
    const troubled = troubledAnalysis()
    const ladder = ladderAnalysis()
    const files = {
      troubled: path.join(dir, 'troubled.html'),
      ladder: path.join(dir, 'ladder.html'),
      comparison: path.join(dir, 'comparison.html'),
    }
    writeFileSync(files.troubled, renderRunReport(troubled, assets))
    writeFileSync(files.ladder, renderRunReport(ladder, assets))
    const slower = troubledAnalysis({ slowdown: 1.5 })
    writeFileSync(files.comparison, renderComparisonReport(compareAnalyses(troubled, slower, { maxRegression: 0.1 }), troubled, slower, assets))

    let r = await openReport(files.troubled)
    try {
      expectCleanRender(r, await marksPerChart(r))
      // The error burst's window is shaded on the errors chart, and errors are stacked by kind.
      expect(await r.page.locator('#chart-errors svg .mark-rect.role-mark path').count()).toBeGreaterThan(1)
      expect(await r.page.locator('#chart-errors svg .role-legend').textContent()).toMatch(/http[\s\S]*timeout/)
      expect(await r.page.locator('.finding').count()).toBe(troubled.findings.length)
    } finally {
      await r.close()
    }

    r = await openReport(files.ladder)
    try {
      const charts = await marksPerChart(r)
      expectCleanRender(r, charts)
      expect(charts['chart-usl']).toBeGreaterThan(3)
      expect(await r.page.locator('#chart-usl svg').innerHTML()).toContain('N* ≈')
      expect(await r.page.locator('#chart-knee svg').innerHTML()).toContain('SLO p95 &lt; 100ms')
    } finally {
      await r.close()
    }

    r = await openReport(files.comparison)
    try {
      expectCleanRender(r, await marksPerChart(r))
      expect(await r.page.locator('#verdicts tbody tr').count()).toBeGreaterThan(0)
    } finally {
      await r.close()
    }
    expect(existsSync(files.comparison)).toBe(true)
  }, 90_000)
})
