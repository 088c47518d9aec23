import type { Argv } from 'yargs'
import { useCases, type RunHooks, type RunOutcome, type RunRequest } from '../../app/index.ts'
import { displayPath, UserError } from '../../core/index.ts'
import type { CliContext, CommandModule } from '../command.ts'
import { runOptions, runRequestOf, shardingOf, type RunArgs } from '../options.ts'
import { interruptible } from '../interrupt.ts'
import { ProgressPrinter } from '../progress.ts'

type Runner = (request: RunRequest, hooks: RunHooks) => Promise<RunOutcome>

/** Drives a run (or a drill) with live progress, Ctrl-C handling and the closing summary. */
export async function executeRun(argv: RunArgs, ctx: CliContext, runner?: Runner): Promise<number> {
  const request = { ...runRequestOf(argv, ctx.stepSummaryFile), ...shardingOf(argv, process.env) }
  if (argv.check) {
    const { checkScenarios } = await useCases.check()
    const problems = await checkScenarios([request.scenarioFile])
    if (problems.length > 0) {
      throw new UserError('LMSLOAD_CHECK', `${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more: lmsload check ${argv.scenario})` : ''}`)
    }
  }
  const { runScenario } = await useCases.run()
  const { consoleSummary } = await useCases.report()
  const printer = new ProgressPrinter(process.stderr)
  const interrupt = interruptible(ctx, (signal) => {
    printer.clear()
    process.stderr.write(`${signal}: stopping arrivals, letting in-flight requests finish (again to quit at once)…\n`)
  })
  try {
    const outcome = await (runner ?? runScenario)(request, {
      signal: interrupt.signal,
      onProgress: argv.quiet ? undefined : (p) => printer.update(p),
      onNotice: (line) => {
        printer.clear()
        process.stderr.write(`${line}\n`)
      },
    })
    printer.clear()
    const r = outcome.run.result!
    const saturated = outcome.analysis.findings.find((f) => f.id === 'generator-saturated')
    const share = r.arrivals.planned > 0 ? ` (${((100 * r.arrivals.started) / r.arrivals.planned).toFixed(1)} % of plan ${r.arrivals.planned.toLocaleString('en-US')})` : ''
    // With --output ndjson=- stdout is the lines' (a consumer reads them to the end): the summary goes to stderr.
    const out = request.outputs?.some((o) => o === 'ndjson=-') ? process.stderr : process.stdout
    const outputs = outcome.outputs.map((o) => `output ${o.output}: ${o.sent} batches sent${o.dropped ? `, ${o.dropped} dropped (${o.reasons.join('; ')})` : ''}\n`).join('')
    out.write(
      `run ${outcome.status}${outcome.engine.failure ? ` (${outcome.engine.failure})` : ''} after ${r.seconds} s: ${r.arrivals.started.toLocaleString('en-US')} learners started${share}, ` +
      `${r.arrivals.dropped.toLocaleString('en-US')} dropped, ${r.requests.toLocaleString('en-US')} requests\n` +
      `${saturated ? `warning: ${saturated.title[0]!.toLowerCase()}${saturated.title.slice(1)}\n` : ''}` +
      `${outputs}run directory: ${displayPath(outcome.dir)}\n\n${consoleSummary(outcome.analysis)}\n\nreport: ${displayPath(outcome.reports.html)}\n`,
    )
    return outcome.exitCode
  } finally {
    interrupt.dispose()
  }
}

const command: CommandModule<RunArgs> = {
  options: (y: Argv) => runOptions(y)
    .option('check', { type: 'boolean', default: false, describe: 'type-check the scenario and validate its definition first (as lmsload check); refuse to run on an error' })
    .option('shard', { type: 'string', describe: 'run part K of N of the plan (K/N, from 1), or job/N in a Kubernetes Indexed Job (K = JOB_COMPLETION_INDEX + 1); lmsload merge joins the parts' })
    .option('start-at', { type: 'string', describe: "a sharded run's agreed start: an instant with its zone (2026-12-05T10:00:00.000Z) or epoch milliseconds" })
    .option('barrier', { type: 'string', describe: 'a directory every shard can write (a shared volume): the start is set once all N shards announced themselves there' })
    .option('barrier-delay', { type: 'string', describe: 'with --barrier: the start is this long after the last shard arrived (default 10s)' })
    .option('barrier-timeout', { type: 'string', describe: 'with --barrier: fail when the shards are not all there within this long (default 5m)' })
    .option('setup-from', { type: 'string', describe: "use setup()'s result from this file (lmsload setup) instead of running setup(): how every shard shares one setup" })
    .option('clock-url', { type: 'string', describe: "a URL answering epoch milliseconds: the shard's clock offset to within half a round trip (default: the target's Date header, to 1 s)" })
    .option('allow-skew', { type: 'boolean', describe: "start even when this machine's clock is proven more than 1 s off the reference" }) as unknown as Argv,
  examples: [
    ['$0 run smoke', 'a ready scenario by name against the bundled reference backend (started for you)'],
    ['$0 run lmsload/scenarios/example.ts --target http://127.0.0.1:8080 --scale 0.1', 'your scenario against your LMS at a tenth of its learners'],
    ['$0 run exam-spike --duration 60s --budget lmsload/budgets.json --check', 'type-check first, squeeze the timeline, gate on a budget file (exit 99)'],
    ['$0 run exam-day --output prometheus=http://127.0.0.1:9090/api/v1/write', 'three streams (background, exam, deadline), pushed live to Prometheus beside the LMS\'s own metrics'],
    ['$0 run exam-spike --target http://10.0.0.5 --allow-remote --shard 2/3 --setup-from setup.json --barrier /shared/barrier', 'the second of three shards of one plan, started with the others (lmsload merge joins them)'],
    ['$0 run my-lms.ts --target https://lms.test --env COURSE_ID=42 --secret API_TOKEN', "parameters for env('COURSE_ID') and secret('API_TOKEN') (its value from the environment, never recorded)"],
  ],
  execute: (argv, ctx) => executeRun(argv, ctx),
}
export default command
