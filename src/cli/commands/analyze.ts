import type { Argv } from 'yargs'
import { analyzeDir } from '../../app/analyze.ts'
import { consoleSummary } from '../../app/report.ts'
import { displayPath, UserError } from '../../core/index.ts'

interface AnalyzeArgs {
  run: string
  format: string
  budget?: string
}

export function analyzeCommand(yargs: Argv) {
  return yargs.command<AnalyzeArgs>(
    'analyze <run>',
    'analyse a run directory: statistics, budgets, bottleneck findings; writes analysis.json, report.html, summary.md and junit.xml',
    (y) => y
      .positional('run', { type: 'string', describe: 'run directory (reports/runs/<id>)' })
      .option('format', { type: 'string', default: 'text', describe: 'text (summary) or json (analysis.json on stdout)' })
      .option('budget', { type: 'string', describe: 'JSON budget file (schema: docs/budgets.schema.json), evaluated with the scenario budgets' }),
    async () => {},
  )
}

export function executeAnalyze(argv: AnalyzeArgs, env: { stepSummaryFile?: string }): number {
  if (argv.format !== 'text' && argv.format !== 'json') throw new UserError('LMSLOAD_USAGE', `--format: expected text or json, got '${argv.format}'`)
  const outcome = analyzeDir(argv.run, { budgetFile: argv.budget, stepSummaryFile: env.stepSummaryFile })
  process.stdout.write(argv.format === 'json' ? `${JSON.stringify(outcome.analysis, null, 2)}\n` : `${consoleSummary(outcome.analysis)}\n\nreport: ${displayPath(outcome.reports!.html)}\n`)
  return outcome.exitCode
}
