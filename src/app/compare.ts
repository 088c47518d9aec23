import path from 'node:path'
import { compareAnalyses, type Comparison } from '../analyze/compare/compare.ts'
import { FILES } from '../record/layout/files.ts'
import { writeRunFile } from '../record/layout/side-files.ts'
import { EXIT, UserError } from '../core/errors.ts'
import { analyzeDir } from './analyze.ts'
import { writeComparisonReports, type WrittenReports } from './report.ts'

export type { Comparison }

/** `lmsload compare`: both runs analysed, compared, comparison.json written into the candidate; exit 99 on a regression. */
export function compareDirs(baselineDir: string, candidateDir: string, options: { maxRegression: number; allowDifferent?: boolean; stepSummaryFile?: string }): { comparison: Comparison; exitCode: number; reports: WrittenReports } {
  if (path.resolve(baselineDir) === path.resolve(candidateDir)) throw new UserError('LMSLOAD_COMPARE', 'compare: the baseline and the candidate are the same run directory')
  const baseline = analyzeDir(baselineDir, { write: false }).analysis
  const candidate = analyzeDir(candidateDir, { write: false }).analysis
  const comparison = compareAnalyses(baseline, candidate, options)
  // Runs of different scenarios, loads or targets answer different questions: a gate between them
  // would pass or fail by accident. Refused before anything is written.
  if (comparison.differences.length > 0 && !options.allowDifferent) {
    throw new UserError('LMSLOAD_COMPARE', `compare: the runs are not comparable (${comparison.differences.join('; ')}); pass --allow-different to compare them anyway`)
  }
  writeRunFile(candidateDir, FILES.comparison, comparison)
  const reports = writeComparisonReports(candidateDir, comparison, baseline, candidate, { stepSummaryFile: options.stepSummaryFile })
  return { comparison, exitCode: comparison.passed ? EXIT.ok : EXIT.gateFailed, reports }
}
