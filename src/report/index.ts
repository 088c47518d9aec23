// Report writers: pure renderers of analysis.json (and comparison.json), bytes out. One file per
// format; the app decides where the bytes go.
import type { Analysis } from '../analyze/analysis.ts'
import type { Comparison } from '../analyze/compare/compare.ts'
import { renderComparisonReport } from './html/compare.ts'
import { renderRunReport, type ReportAssets } from './html/page.ts'
import { junitBudgets, junitComparison } from './junit.ts'
import { markdownComparison, markdownSummary } from './markdown.ts'

export type { ReportAssets }
export { consoleSummary } from './console.ts'
export { headline } from './headline.ts'

export interface RenderContext {
  assets: ReportAssets
}

/** One output file of a run's reports. */
export interface RunReportWriter {
  file: string
  render(a: Analysis, ctx: RenderContext): string
}

export const RUN_REPORTS: readonly RunReportWriter[] = [
  { file: 'report.html', render: (a, ctx) => renderRunReport(a, ctx.assets) },
  { file: 'summary.md', render: (a) => markdownSummary(a, { reportFile: 'report.html' }) },
  { file: 'junit.xml', render: (a) => junitBudgets(a) },
]

export interface ComparisonReportWriter {
  file: string
  render(c: Comparison, baseline: Analysis, candidate: Analysis, ctx: RenderContext): string
}

export const COMPARISON_REPORTS: readonly ComparisonReportWriter[] = [
  { file: 'comparison.html', render: (c, b, a, ctx) => renderComparisonReport(c, b, a, ctx.assets) },
  { file: 'comparison.md', render: (c) => markdownComparison(c) },
  { file: 'comparison-junit.xml', render: (c) => junitComparison(c) },
]

export { markdownSummary }
