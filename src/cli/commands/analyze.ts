import type { Argv } from 'yargs'
import { displayPath, UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface AnalyzeArgs {
  run: string
  format: string
  budget?: string
}

const command: CommandModule<AnalyzeArgs> = {
  options: (y: Argv) => y
    .positional('run', { type: 'string', describe: 'run directory (reports/runs/<id>)' })
    .option('format', { type: 'string', default: 'text', describe: 'text (summary) or json (analysis.json on stdout)' })
    .option('budget', { type: 'string', describe: 'JSON budget file (schema: docs/budgets.schema.json), evaluated with the scenario budgets' }),
  examples: [
    ['$0 analyze reports/runs/20261130-101500-smoke', 'analyse again (new rules, new budgets) and rewrite the reports'],
    ['$0 analyze reports/runs/<id> --budget lmsload/budgets.json', 'judge a recorded run against other limits: exit 99 when one fails'],
    ['$0 analyze reports/runs/<id> --format json | jq .verdict', 'the typed verdict for a script'],
  ],
  async execute(argv, ctx) {
    if (argv.format !== 'text' && argv.format !== 'json') throw new UserError('LMSLOAD_USAGE', `--format: expected text or json, got '${argv.format}'`)
    const { analyzeDir } = await useCases.analyze()
    const { consoleSummary } = await useCases.report()
    const outcome = analyzeDir(argv.run, { budgetFile: argv.budget, stepSummaryFile: ctx.stepSummaryFile })
    process.stdout.write(argv.format === 'json' ? `${JSON.stringify(outcome.analysis, null, 2)}\n` : `${consoleSummary(outcome.analysis)}\n\nreport: ${displayPath(outcome.reports!.html)}\n`)
    return outcome.exitCode
  },
}
export default command
