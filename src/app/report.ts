import { appendFileSync, existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ANALYSIS_SCHEMA, type Analysis } from '../analyze/analysis.ts'
import type { Comparison } from '../analyze/compare/compare.ts'
import { writeFileAtomic } from '../core/atomic-write.ts'
import { FILES } from '../record/layout/files.ts'
import { UserError } from '../core/errors.ts'
import { COMPARISON_REPORTS, RUN_REPORTS, markdownSummary, type ReportAssets } from '../report/index.ts'
import { lmsloadVersion } from '../core/install.ts'

let cached: ReportAssets | undefined

/** The vega, vega-lite and vega-embed browser bundles (inlined into every HTML report). */
export function reportAssets(): ReportAssets {
  if (cached) return cached
  const bundle = (pkg: string, file: string) => {
    const dir = path.dirname(fileURLToPath(import.meta.resolve(pkg)))
    const root = path.dirname(dir)
    return { code: readFileSync(path.join(dir, file), 'utf8'), version: String(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version) }
  }
  const vega = bundle('vega', 'vega.min.js')
  const vegaLite = bundle('vega-lite', 'vega-lite.min.js')
  const vegaEmbed = bundle('vega-embed', 'vega-embed.min.js')
  const lmsload = lmsloadVersion()
  cached = { vega: vega.code, vegaLite: vegaLite.code, vegaEmbed: vegaEmbed.code, versions: { vega: vega.version, vegaLite: vegaLite.version, vegaEmbed: vegaEmbed.version, lmsload } }
  return cached
}

function writeAtomically(file: string, text: string): void {
  try {
    writeFileAtomic(file, text)
  } catch (error) {
    throw new UserError('LMSLOAD_RUN_DIR', `${path.dirname(file)}: cannot write ${path.basename(file)}: ${(error as Error).message}`)
  }
}

export interface ReportOptions {
  /** `$GITHUB_STEP_SUMMARY`: summary.md is appended to it when set. */
  stepSummaryFile?: string
}

export interface WrittenReports {
  html: string
  markdown: string
  junit: string
}

/** report.html, summary.md and junit.xml of one run, written beside its analysis.json. */
export function writeRunReports(dir: string, analysis: Analysis, options: ReportOptions = {}): WrittenReports {
  const ctx = { assets: reportAssets() }
  const written: Record<string, string> = {}
  for (const writer of RUN_REPORTS) {
    const file = path.join(dir, writer.file)
    writeAtomically(file, writer.render(analysis, ctx))
    written[writer.file] = file
  }
  if (options.stepSummaryFile) {
    try {
      appendFileSync(options.stepSummaryFile, `${markdownSummary(analysis, { reportFile: path.join(dir, 'report.html') })}\n`)
    } catch (error) {
      throw new UserError('LMSLOAD_USAGE', `GITHUB_STEP_SUMMARY=${options.stepSummaryFile}: cannot append the summary: ${(error as Error).message}`)
    }
  }
  return { html: written['report.html']!, markdown: written['summary.md']!, junit: written['junit.xml']! }
}

/** comparison.html, comparison.md and comparison-junit.xml, written into the candidate's directory. */
export function writeComparisonReports(dir: string, comparison: Comparison, baseline: Analysis, candidate: Analysis, options: ReportOptions = {}): WrittenReports {
  const ctx = { assets: reportAssets() }
  const written: Record<string, string> = {}
  const texts: Record<string, string> = {}
  for (const writer of COMPARISON_REPORTS) {
    const file = path.join(dir, writer.file)
    texts[writer.file] = writer.render(comparison, baseline, candidate, ctx)
    writeAtomically(file, texts[writer.file]!)
    written[writer.file] = file
  }
  // The Markdown just rendered, not read back from disk.
  if (options.stepSummaryFile) appendFileSync(options.stepSummaryFile, `${texts['comparison.md']}\n`)
  return { html: written['comparison.html']!, markdown: written['comparison.md']!, junit: written['comparison-junit.xml']! }
}

/** `lmsload report <run>`: the reports again from an existing analysis.json (no re-analysis). */
export function reportFromAnalysis(dir: string, options: ReportOptions = {}): { analysis: Analysis; reports: WrittenReports } {
  const file = path.join(dir, FILES.analysis)
  if (!existsSync(dir)) throw new UserError('LMSLOAD_RUN_DIR', `${dir}: no such run directory`)
  if (!existsSync(file)) throw new UserError('LMSLOAD_RUN_READ', `${file}: missing (run \`lmsload analyze ${dir}\` first)`)
  let analysis: Analysis
  try {
    analysis = JSON.parse(readFileSync(file, 'utf8')) as Analysis
  } catch (error) {
    throw new UserError('LMSLOAD_RUN_READ', `${file}: not valid JSON: ${(error as Error).message}`)
  }
  if (analysis?.schema !== ANALYSIS_SCHEMA) throw new UserError('LMSLOAD_RUN_READ', `${file}: schema is '${String((analysis as { schema?: unknown })?.schema)}', expected '${ANALYSIS_SCHEMA}' (re-run \`lmsload analyze ${dir}\`)`)
  return { analysis, reports: writeRunReports(dir, analysis, options) }
}

export { consoleSummary } from '../report/index.ts'
export { ladderText, searchText, uslFitText } from '../report/capacity-console.ts'
