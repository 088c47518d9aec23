import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { writeImportJson } from '../record/layout/side-files.ts'
import { UserError } from '../core/errors.ts'
import { checkRunNameFlag } from '../core/run-name.ts'
import { importJtl } from '../integrations/import/jmeter.ts'
import { foldK6, openK6Sources } from '../integrations/import/k6.ts'
import { openImportRun } from '../integrations/import/seconds.ts'
import { compareJmeterStatistics, compareK6Summary, type SummaryLine } from '../integrations/import/summary.ts'
import { runId } from '../record/layout/run-json.ts'
import { analyzeDir, type AnalyzeOutcome } from './analyze.ts'
import { defaultRunDir } from './outputs.ts'

export interface ImportRequest {
  tool: 'k6' | 'jmeter'
  files: string[]
  /** The tool's own end-of-test summary (k6 --summary-export, JMeter statistics.json). */
  summary?: string
  out?: string
  name?: string
  budgetFile?: string
}

export interface ImportOutcome {
  dir: string
  requests: number
  seconds: number
  late: number
  notes: string[]
  comparison: SummaryLine[]
  analysis: AnalyzeOutcome
}

function defaultDir(name: string): string {
  return defaultRunDir(runId(name))
}

/**
 * `lmsload import k6|jmeter`: another tool's results as a run directory, then the same analysis,
 * findings and reports as a local run. A failed import leaves no half-written directory behind.
 */
export async function importResults(req: ImportRequest): Promise<ImportOutcome> {
  const name = req.name ?? `${req.tool}-import`
  checkRunNameFlag(name)
  if (req.summary !== undefined && !existsSync(req.summary)) throw new UserError('LMSLOAD_IMPORT', `${req.summary}: no such file (--summary)`)
  const dir = path.resolve(req.out ?? defaultDir(name))
  const existed = existsSync(dir)
  try {
    let requests: number
    let seconds: number
    let late: number
    const notes: string[] = []
    let comparison: SummaryLine[] = []
    if (req.tool === 'k6') {
      const { sources, startMs, target } = await openK6Sources(req.files)
      const run = openImportRun(dir, {
        tool: 'k6', name, description: `k6 results imported from ${req.files.length} file${req.files.length === 1 ? '' : 's'}`, sources: req.files,
        target: target || 'unknown', model: 'open', generators: req.files.length,
      }, startMs)
      const stats = await foldK6(sources, run.folder)
      run.finish()
      const t = run.folder.totals
      requests = t.requests
      seconds = t.seconds
      late = t.late
      if (stats.setupRequests > 0) notes.push(`${stats.setupRequests} setup()/teardown() requests left out of the learners' numbers`)
      if (req.summary) comparison = compareK6Summary(req.summary, t, stats.setupRequests)
    } else {
      if (req.files.length !== 1) throw new UserError('LMSLOAD_USAGE', `import jmeter: name one JTL file, got ${req.files.length}`)
      const stats = await importJtl(req.files[0]!, dir, name)
      requests = stats.totals.requests
      seconds = stats.totals.seconds
      late = stats.totals.late
      if (stats.transactions > 0) notes.push(`${stats.transactions} transaction-controller samples recorded as steps`)
      if (req.summary) comparison = compareJmeterStatistics(req.summary, stats.totals)
    }
    if (late > 0) notes.push(`${late} points arrived more than 10 s out of order and were counted in the next open second`)
    writeImportJson(dir, { tool: req.tool, files: req.files.map((f) => path.resolve(f)), summary: req.summary ? path.resolve(req.summary) : null, requests, seconds, late, notes, comparison })
    const analysis = analyzeDir(dir, { budgetFile: req.budgetFile })
    return { dir, requests, seconds, late, notes, comparison, analysis }
  } catch (error) {
    if (!existed) rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
