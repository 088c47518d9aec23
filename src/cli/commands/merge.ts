import type { Argv } from 'yargs'
import { displayPath } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface MergeArgs {
  shards: string[]
  out?: string
  budget?: string
  'allow-skew': boolean
}

const command: CommandModule<MergeArgs> = {
  options: (y: Argv) => y
    .positional('shards', { type: 'string', array: true, describe: 'the run directories of every shard (lmsload run --shard K/N), in any order' })
    .option('out', { type: 'string', describe: 'merged run directory to create (default reports/runs/<run id>)' })
    .option('budget', { type: 'string', describe: 'JSON budget file evaluated with the scenario budgets (exit 99 when one fails)' })
    .option('allow-skew', { type: 'boolean', default: false, describe: "merge even when two shards' clocks are proven more than 1 s apart" }),
  examples: [
    ['$0 merge /results/*-shard-*-of-3 --out reports/runs/exam-50k', 'one run from three shards: exact per-second histograms, analysis and report'],
  ],
  async execute(argv, ctx) {
    const { mergeShards } = await useCases.merge()
    const { consoleSummary } = await useCases.report()
    const outcome = mergeShards({ dirs: argv.shards.map(String), out: argv.out, allowSkew: argv['allow-skew'], budgetFile: argv.budget, stepSummaryFile: ctx.stepSummaryFile })
    const s = outcome.sharded
    const r = outcome.run.result!
    const clocks = s.shards[0]!.clock.method === 'clock-url' ? 'clock URL' : 'Date headers'
    process.stdout.write(
      `merged ${s.count} shards of run ${s.runId} (plan ${s.planDigest}): ${r.arrivals.started.toLocaleString('en-US')} learners started of ${r.arrivals.planned.toLocaleString('en-US')} planned, ` +
      `${r.requests.toLocaleString('en-US')} requests; clocks at most ${s.skew.atMostMs} ms apart (${clocks})\n` +
      `run directory: ${displayPath(outcome.dir)}\n\n${consoleSummary(outcome.analysis)}\n\nreport: ${displayPath(outcome.reports.html)}\n`,
    )
    return outcome.exitCode
  },
}
export default command
