// The report writers on analyses the real analyzer made: structure, numbers that match
// analysis.json, valid Markdown and JUnit, and no network reference in the HTML.
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { marked, type Tokens } from 'marked'
import { describe, expect, it } from 'vitest'
import { reportAssets } from '../../src/app/report.ts'
import { compareAnalyses } from '../../src/analyze/compare/compare.ts'
import { consoleSummary } from '../../src/report/console.ts'
import { renderComparisonReport } from '../../src/report/html/compare.ts'
import { renderRunReport } from '../../src/report/html/page.ts'
import { ms, pct } from '../../src/report/format.ts'
import { junitBudgets, junitComparison } from '../../src/report/junit.ts'
import { markdownSummary } from '../../src/report/markdown.ts'
import { ladderAnalysis, troubledAnalysis } from '../helpers/analyses.ts'

const troubled = troubledAnalysis()
const ladder = ladderAnalysis()
const assets = reportAssets()

function chartSpecs(html: string): Array<{ id: string; uses: string[]; spec: Record<string, unknown> }> {
  const m = /<script type="application\/json" id="lmsload-charts">([\s\S]*?)<\/script>/.exec(html)
  return JSON.parse(m![1]!)
}

/** The report's text with tags and the inlined scripts removed: what a reader sees. */
function visibleText(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ')
}

describe('report.html', () => {
  const html = renderRunReport(troubled, assets)
  const text = visibleText(html)

  it('is titled for what the run was: a load test, or a capacity ladder', () => {
    expect(html).toContain('<h1>synthetic: load test report</h1>')
    expect(html).not.toContain('capacity report')
    expect(renderRunReport(ladder, assets)).toContain('<h1>synthetic: capacity report</h1>')
  })

  it('has every section, the verdict first, and the numbers of analysis.json', () => {
    const order = ['id="verdict"', 'id="findings"', 'id="budgets"', 'id="load"', 'id="endpoints"', 'id="resources"', 'id="phases"', 'id="metadata"'].map((s) => html.indexOf(s))
    expect(order.every((i) => i > 0)).toBe(true)
    expect([...order].sort((x, y) => x - y)).toEqual(order)
    expect(text).toContain(troubled.verdict.sentence)
    expect(text).toContain('2 of 4 budgets failed')
    for (const e of [...troubled.endpoints, troubled.overall]) {
      expect(text).toContain(e.name)
      expect(text).toContain(ms(e.latencyMs!.p95))
      expect(text).toContain(ms(e.latencyMs!.p99))
    }
    expect(text).toContain(pct(troubled.overall.errorRate))
  })

  it('shows each finding as a card with its evidence, recommendation and the chart that holds it', () => {
    expect(troubled.findings.length).toBeGreaterThan(1)
    for (const f of troubled.findings) {
      expect(html).toContain(`id="finding-${f.id}"`)
      expect(text).toContain(f.title)
      expect(text).toContain(f.recommendation)
    }
    const burst = troubled.findings.find((f) => f.id === 'error-burst')!
    const card = html.slice(html.indexOf('id="finding-error-burst"'))
    expect(card).toMatch(/href="#fig-errors" data-chart="errors">See it on “Errors over time” \(seconds 40–48 shaded\)/)
    // The errors chart carries the shaded window of the burst.
    const errors = chartSpecs(html).find((c) => c.id === 'errors')!
    expect(JSON.stringify(errors.spec)).toContain(`{"start":${burst.evidence.window!.startSec},"end":${burst.evidence.window!.endSec},"label":"error-burst"}`)
  })

  it('lists every budget with pass/fail, measured value and margin', () => {
    const rows = html.slice(html.indexOf('id="budgets"'), html.indexOf('id="load"')).match(/<tr class="(pass|fail|skip)">/g)!
    expect(rows.map((r) => /"(\w+)"/.exec(r)![1])).toEqual(troubled.budgets.map((b) => (b.passed ? 'pass' : b.source === 'default' ? 'skip' : 'fail')))
    const p95 = troubled.budgets.find((b) => b.rule === 'p95 < 100ms')!
    expect(text).toContain(`${p95.target} p95 < 100ms measured ${ms(p95.measured)}`)
    expect(text).toContain('not judged journeys failed < 1% not judged: no journey ended – default')
  })

  it('has a chart for every time series the issue names, each with a caption and a data table', () => {
    const ids = chartSpecs(html).map((c) => c.id)
    expect(ids).toEqual(expect.arrayContaining(['load', 'latency', 'errors', 'active', 'endpoint-latency', 'spectrum', 'res-cpu', 'res-memory', 'res-loop', 'res-db', 'res-pool', 'res-cache', 'res-network', 'res-generator']))
    for (const id of ids) {
      const fig = html.slice(html.indexOf(`<figure class="chart" id="fig-${id}"`))
      expect(fig.slice(0, fig.indexOf('</figure>'))).toMatch(/<h3>[^<]+<\/h3><p class="how">[^<]+<\/p>[\s\S]*<div class="vega" id="chart-[^"]+" role="img" aria-label="[^"]+"><\/div>[\s\S]*<details class="data"><summary>Data table<\/summary>/)
    }
    // Errors are stacked by kind.
    expect(JSON.stringify(chartSpecs(html).find((c) => c.id === 'errors')!.spec)).toContain('"fold":["err:http","err:timeout"]')
  })

  it('loads nothing from the network: no src, href or url() with a scheme, everything inlined', () => {
    // The markup outside the inlined scripts: no element may point at another origin.
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>')
    const offending = markup.match(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\/[^"' >]*|url\(\s*["']?(https?:)?\/\/[^)]*|<link\b[^>]*>|<iframe\b[^>]*>|<img\b[^>]*>|<script[^>]+src=[^>]*>/gi)
    expect(offending).toBeNull()
    expect(markup.match(/<script/g)).toHaveLength(6)
    expect(html.includes(assets.vega.slice(0, 500)) && html.includes(assets.vegaLite.slice(0, 500)) && html.includes(assets.vegaEmbed.slice(0, 500))).toBe(true)
  })

  it('escapes endpoint names and keeps the inlined JSON parseable', () => {
    expect(html.includes('GET /a|b &lt;weird&gt; &amp; &quot;name&quot;')).toBe(true)
    expect(html.includes('<weird>')).toBe(false)
    const data = JSON.parse(/<script type="application\/json" id="lmsload-data">([\s\S]*?)<\/script>/.exec(html)![1]!)
    expect(data.ts.t).toHaveLength(troubled.series.t.length)
    expect(data.ts.p95[25]).toBeCloseTo(troubled.series.p95[25]!, -1)
  })

  it('a capacity run shows the planner sentence, the USL curve with N* and the knee against the SLO', () => {
    const capacityHtml = renderRunReport(ladder, assets)
    const c = ladder.capacity as { plan: { sentence: string }; usl: { peakN: number } }
    expect(visibleText(capacityHtml)).toContain(c.plan.sentence)
    const specs = chartSpecs(capacityHtml)
    const usl = JSON.stringify(specs.find((s) => s.id === 'usl')!.spec)
    expect(usl).toContain(`N* ≈ ${c.usl.peakN.toFixed(1)}`)
    expect(JSON.stringify(specs.find((s) => s.id === 'knee')!.spec)).toContain('"limit":100,"label":"SLO p95 < 100ms"')
    expect(capacityHtml.indexOf('id="capacity"')).toBeLessThan(capacityHtml.indexOf('id="findings"'))
  })
})

describe('summary.md', () => {
  const md = markdownSummary(troubled, { reportFile: 'report.html' })
  const tokens = marked.lexer(md)
  const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table')

  it('is GitHub-flavoured Markdown with the verdict, budgets, findings and endpoints', () => {
    expect(tokens[0]).toMatchObject({ type: 'heading', depth: 2, text: 'lmsload: synthetic — ❌ 2 of 4 budgets failed' })
    expect(md).toContain(`> ${troubled.verdict.sentence}`)
    expect(tables).toHaveLength(2)
    expect(tables[0]!.rows).toHaveLength(troubled.budgets.length)
    expect(tables[1]!.rows).toHaveLength(troubled.endpoints.length + 1)
    expect(tables[1]!.header.map((h) => h.text)).toEqual(['endpoint', 'count', 'req/s', 'errors', 'p50', 'p95', 'p99', 'max'])
    const list = tokens.find((t): t is Tokens.List => t.type === 'list')!
    expect(list.items.map((i) => /`([^`]+)`/.exec(i.text)![1])).toEqual(troubled.findings.slice(0, 5).map((f) => f.id))
  })

  it('keeps a pipe in an endpoint name inside its cell', () => {
    const weird = tables[1]!.rows.find((r) => r[0]!.text.includes('weird'))!
    expect(weird).toHaveLength(8)
    expect(weird[0]!.text).toContain('/a|b')
    const overall = tables[1]!.rows.at(-1)!
    expect(overall[5]!.text).toBe(ms(troubled.overall.latencyMs!.p95))
  })
})

describe('junit.xml', () => {
  it('is valid XML with one test case per budget and failures that carry the measured value', () => {
    const xmlText = junitBudgets(troubled)
    expect(XMLValidator.validate(xmlText)).toBe(true)
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xmlText)
    const suite = doc.testsuites.testsuite
    expect(Number(suite.tests)).toBe(troubled.budgets.length)
    // The default journey budget went unjudged (no journey ended): listed, not a failure.
    expect(Number(suite.failures)).toBe(troubled.budgets.filter((b) => b.verdict.kind === 'failed').length)
    const cases = [suite.testcase].flat()
    expect(cases.map((c: { name: string }) => c.name)).toEqual(troubled.budgets.map((b) => `${b.target}: ${b.rule}`))
    const failed = cases.find((c: { name: string }) => c.name.endsWith('p95 < 100ms'))
    const p95 = troubled.budgets.find((b) => b.rule === 'p95 < 100ms')!
    expect(failed.failure.message).toContain(`p95 < 100ms: measured ${ms(p95.measured)}`)
    expect(cases.find((c: { name: string }) => c.name.endsWith('p99 < 2s')).failure).toBeUndefined()
  })

  it('a comparison has one case per endpoint and fails the regressions', () => {
    const slower = troubledAnalysis({ slowdown: 1.5 })
    const c = compareAnalyses(troubled, slower, { maxRegression: 0.1 })
    expect(c.regressions).toBeGreaterThan(0)
    const xmlText = junitComparison(c)
    expect(XMLValidator.validate(xmlText)).toBe(true)
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xmlText)
    expect(Number(doc.testsuites.tests)).toBe(c.endpoints.length)
    expect(Number(doc.testsuites.failures)).toBe(c.regressions)
  })
})

describe('console summary and comparison report', () => {
  it('the console summary has the verdict, capacity line, budgets and the endpoint table', () => {
    const out = consoleSummary(troubled)
    expect(out.split('\n')[0]).toBe(troubled.verdict.sentence)
    expect(out).toMatch(/^Capacity: /m)
    expect(out).toMatch(/^ {2}FAIL {2}POST \/api\/quizzes\/:id\/attempts: p95 < 100ms \(measured [\d.]+ ms\)$/m)
    expect(out).toMatch(/^overall\s+\d+\s+[\d.]+\s+[\d.]+ %/m)
  })

  it('the comparison report holds the per-endpoint verdicts and both runs\' overlays', () => {
    const slower = troubledAnalysis({ slowdown: 1.5 })
    const c = compareAnalyses(troubled, slower, { maxRegression: 0.1 })
    expect(c.regressions).toBeGreaterThan(0)
    const html = renderComparisonReport(c, troubled, slower, assets)
    expect(visibleText(html)).toContain(`${c.regressions} endpoint`)
    expect(chartSpecs(html).map((s) => s.id)).toEqual(['cmp-latency', 'cmp-throughput', 'cmp-endpoints'])
    for (const w of c.warnings) expect(visibleText(html).includes(w)).toBe(true)
  })
})

describe('the capacity line', () => {
  it('claims no capacity for a run without budgets, and a floor only when budgets held', async () => {
    const { headline } = await import('../../src/report/headline.ts')
    const noBudgets = { ...troubled, budgets: [], verdict: { ...troubled.verdict, passed: true, outcome: 'no-budgets' as const, budgetsFailed: 0 } }
    expect(headline(noBudgets).capacity).toMatch(/^Capacity: no budgets were set, so this run cannot say how many learners fit within an SLO; it carried [\d,]+ learners/)
    const held = { ...troubled, budgets: troubled.budgets.filter((b) => b.passed), verdict: { ...troubled.verdict, passed: true, outcome: 'passed' as const, budgetsFailed: 0 } }
    expect(headline(held).capacity).toMatch(/were served within budget; that is a floor, not the limit/)
    expect(headline(troubled).capacity).toMatch(/^Capacity: the platform did not carry this scenario's/)
  })
})
