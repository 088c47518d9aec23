import type { Argv } from 'yargs'
import { consoleSummary, reportFromAnalysis } from '../../app/report.ts'
import { displayPath } from '../../core/index.ts'

interface ReportArgs {
  run: string
}

export function reportCommand(yargs: Argv) {
  return yargs.command<ReportArgs>(
    'report <run>',
    'write report.html, summary.md and junit.xml again from a run directory\'s analysis.json',
    (y) => y.positional('run', { type: 'string', describe: 'run directory holding analysis.json' }),
    async () => {},
  )
}

export function executeReport(argv: ReportArgs, env: { stepSummaryFile?: string }): number {
  const { analysis, reports } = reportFromAnalysis(argv.run, { stepSummaryFile: env.stepSummaryFile })
  process.stdout.write(`${consoleSummary(analysis)}\n\nreport: ${displayPath(reports.html)}\nsummary: ${displayPath(reports.markdown)}\njunit: ${displayPath(reports.junit)}\n`)
  return 0
}
