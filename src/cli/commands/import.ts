import type { Argv } from 'yargs'
import { displayPath, UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface ImportArgs {
  tool: string
  files: string[]
  summary?: string
  out?: string
  name?: string
  budget?: string
}

function options(y: Argv): Argv {
  return y
      .positional('tool', { type: 'string', describe: 'k6 or jmeter' })
      .positional('files', { type: 'string', array: true, describe: 'k6: NDJSON files (.json or .json.gz), one per runner; jmeter: one .jtl (CSV)' })
      .option('summary', { type: 'string', describe: "the tool's own summary to check the import against (k6 --summary-export JSON; JMeter's statistics.json)" })
      .option('out', { type: 'string', describe: 'run directory to write (default reports/runs/<time>-<name>)' })
      .option('name', { type: 'string', describe: 'name of the imported run (default <tool>-import)' })
      .option('budget', { type: 'string', describe: 'JSON budget file to evaluate against the imported run' })
}

async function execute(argv: ImportArgs): Promise<number> {
  const files = argv.files
  if (argv.tool !== 'k6' && argv.tool !== 'jmeter') throw new UserError('LMSLOAD_USAGE', `import: unknown tool '${argv.tool}' (expected k6 or jmeter)`)
  const { importResults } = await useCases.import()
  const { consoleSummary } = await useCases.report()
  const outcome = await importResults({ tool: argv.tool, files, summary: argv.summary, out: argv.out, name: argv.name, budgetFile: argv.budget })
  const lines = [`imported ${outcome.requests} requests over ${outcome.seconds} s into ${displayPath(outcome.dir)}`, ...outcome.notes.map((n) => `  ${n}`)]
  if (outcome.comparison.length > 0) {
    const off = outcome.comparison.filter((c) => !c.ok)
    lines.push(`against ${argv.tool}'s own summary: ${outcome.comparison.length - off.length}/${outcome.comparison.length} numbers agree`)
    for (const c of off) lines.push(`  differs: ${c.scope} ${c.metric}: ${argv.tool} ${c.tool}, lmsload ${Number(c.lmsload.toFixed(3))}`)
  }
  process.stdout.write(`${lines.join('\n')}\n\n${consoleSummary(outcome.analysis.analysis)}\n\nreport: ${displayPath(outcome.analysis.reports!.html)}\n`)
  return outcome.analysis.exitCode
}

const command: CommandModule<ImportArgs> = {
  options,
  examples: [
    ['$0 import k6 runner-0.json.gz runner-1.json.gz --summary summary.json', "k6 --out json files of every runner, checked against k6's own summary"],
    ['$0 import jmeter results.jtl --budget lmsload/budgets.json', 'a JMeter CSV JTL, judged against your budgets'],
  ],
  execute: (argv) => execute(argv),
}
export default command
