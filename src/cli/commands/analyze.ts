import type { Argv } from 'yargs'
import { analyzeDir } from '../../app/analyze.ts'
import { UserError } from '../../core/index.ts'
import { textSummary } from '../summary.ts'

interface AnalyzeArgs {
  run: string
  format: string
  budget?: string
}

export function analyzeCommand(yargs: Argv) {
  return yargs.command<AnalyzeArgs>(
    'analyze <run>',
    'analyse a run directory: statistics, budgets, bottleneck findings; writes analysis.json',
    (y) => y
      .positional('run', { type: 'string', describe: 'run directory (reports/runs/<id>)' })
      .option('format', { type: 'string', default: 'text', describe: 'text (summary) or json (analysis.json on stdout)' })
      .option('budget', { type: 'string', describe: 'JSON budget file (schema: docs/budgets.schema.json), evaluated with the scenario budgets' }),
    async () => {},
  )
}

export function executeAnalyze(argv: AnalyzeArgs): number {
  if (argv.format !== 'text' && argv.format !== 'json') throw new UserError('LMSLOAD_USAGE', `--format: expected text or json, got '${argv.format}'`)
  const outcome = analyzeDir(argv.run, { budgetFile: argv.budget })
  process.stdout.write(argv.format === 'json' ? `${JSON.stringify(outcome.analysis, null, 2)}\n` : `${textSummary(outcome.analysis)}\n`)
  return outcome.exitCode
}
