import type { Argv } from 'yargs'
import { displayPath } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface ReportArgs {
  run: string
}

const command: CommandModule<ReportArgs> = {
  options: (y: Argv) => y.positional('run', { type: 'string', describe: 'run directory holding analysis.json' }),
  examples: [['$0 report reports/runs/<id>', 'rewrite report.html, summary.md and junit.xml without analysing again']],
  async execute(argv, ctx) {
    const { consoleSummary, reportFromAnalysis } = await useCases.report()
    const { analysis, reports } = reportFromAnalysis(argv.run, { stepSummaryFile: ctx.stepSummaryFile })
    process.stdout.write(`${consoleSummary(analysis)}\n\nreport: ${displayPath(reports.html)}\nsummary: ${displayPath(reports.markdown)}\njunit: ${displayPath(reports.junit)}\n`)
    return 0
  },
}
export default command
