import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { FILES } from '../record/layout/files.ts'
import { writeRunFile } from '../record/layout/side-files.ts'
import { EXIT, UserError } from '../core/errors.ts'
import { analyzeRun } from '../analyze/analyze.ts'
import type { Analysis } from '../analyze/analysis.ts'
import { BUDGET_FILE_SCHEMA } from '../analyze/budgets/schema.ts'
import type { Budgets } from '../analyze/budgets/evaluate.ts'
import { readLatencyLog, readRun } from '../record/reader.ts'
import { writeRunReports, type WrittenReports } from './report.ts'
import { verdictSentence } from '../report/verdict-text.ts'

const validateBudgetFile = new Ajv({ allErrors: false }).compile(BUDGET_FILE_SCHEMA)

/** Reads a budget file (`--budget`): JSON checked against docs/budgets.schema.json. */
export function loadBudgetFile(file: string): { budgets: Budgets; where: string } {
  if (!existsSync(file)) throw new UserError('LMSLOAD_BUDGET', `--budget: ${file} does not exist`)
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UserError('LMSLOAD_BUDGET', `${file}: not valid JSON: ${(error as Error).message}`)
  }
  if (!validateBudgetFile(data)) {
    const e = validateBudgetFile.errors![0]!
    const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)'
    throw new UserError('LMSLOAD_BUDGET', `${file}: ${at} ${e.message}${e.keyword === 'pattern' ? ` (rules look like 'p95 < 800ms' or 'errors < 1%')` : ''}`)
  }
  return { budgets: (data as { budgets: Budgets }).budgets, where: file }
}

export interface AnalyzeOutcome {
  analysis: Analysis
  file: string
  exitCode: number
  /** The report files, when written. */
  reports?: WrittenReports
}

/** `lmsload analyze`: a run directory in, analysis.json written beside it (atomically), exit 99 on failed budgets. */
export function analyzeDir(dir: string, options: { budgetFile?: string; extraBudgets?: { budgets: Budgets; where: string }; write?: boolean; minSteadySec?: number; stepSummaryFile?: string } = {}): AnalyzeOutcome {
  const run = readRun(dir)
  const loaded = options.budgetFile ? loadBudgetFile(options.budgetFile) : undefined
  const budgetFile = loaded && options.extraBudgets
    ? { budgets: { ...loaded.budgets, ...mergeRules(loaded.budgets, options.extraBudgets.budgets) }, where: `${loaded.where} + ${options.extraBudgets.where}` }
    : loaded ?? options.extraBudgets
  const analysis = withSentence(analyzeRun(run, readLatencyLog(dir, run.warnings), { budgetFile, generatedAt: new Date().toISOString(), minSteadySec: options.minSteadySec }))
  const file = path.join(dir, FILES.analysis)
  if (options.write !== false) {
    try {
      writeRunFile(dir, FILES.analysis, analysis)
    } catch (error) {
      throw new UserError('LMSLOAD_RUN_DIR', `${dir}: cannot write analysis.json: ${(error as Error).message}`)
    }
  }
  const reports = options.write !== false ? writeRunReports(dir, analysis, { stepSummaryFile: options.stepSummaryFile }) : undefined
  return { analysis, file, exitCode: analysis.verdict.passed ? EXIT.ok : EXIT.gateFailed, reports }
}

/** The analysis with its verdict sentence rendered (report/ owns every sentence; analysis.json carries this one). */
export function withSentence(analysis: Analysis): Analysis {
  analysis.verdict.sentence = verdictSentence(analysis)
  return analysis
}

function mergeRules(a: Budgets, b: Budgets): Budgets {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(b)) out[k] = [...(a[k] ?? []), ...v]
  return out
}

/** Writes analysis.json and the reports again (after a capacity section was added). */
export function writeAnalysis(dir: string, analysis: Analysis): WrittenReports {
  withSentence(analysis)
  writeRunFile(dir, FILES.analysis, analysis)
  return writeRunReports(dir, analysis)
}
