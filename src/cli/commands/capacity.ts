import path from 'node:path'
import type { Argv } from 'yargs'
import { parseDurationMs, UserError } from '../../core/index.ts'
import type { CliContext, CommandModule } from '../command.ts'
import { interruptible } from '../interrupt.ts'
import { samplingOf, samplingOptions } from '../options.ts'
import { ProgressPrinter } from '../progress.ts'
import { useCases } from '../../app/index.ts'

interface CapacityArgs {
  scenario: string
  input?: string
  format: string
  slo?: string
  mode: string
  'error-budget': string
  from?: string
  to?: string
  steps: string
  hold: string
  stream?: string
  start: string
  precision: string
  'max-trials': string
  duration?: string
  'current-peak'?: string
  growth?: string
  target?: string
  'allow-remote': boolean
  workers?: string
  out?: string
  seed?: string
  'backend-profile'?: string
  scrape?: string[]
  pid?: string[]
  quiet: boolean
}

function num(flag: string, text: string | undefined, { min = 0, integer = false } = {}): number | undefined {
  if (text === undefined) return undefined
  const v = Number(text)
  if (text.trim() === '' || !Number.isFinite(v) || v <= min || (integer && !Number.isInteger(v))) {
    throw new UserError('LMSLOAD_USAGE', `--${flag}: expected ${integer ? 'a whole number' : 'a number'} above ${min}, got '${text}'`)
  }
  return v
}

/** '20%' or '0.2' → 0.2 */
function share(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text)
  if (!m) throw new UserError('LMSLOAD_USAGE', `--${flag}: expected a percentage like '20%' or a fraction like '0.2', got '${text}'`)
  return m[2] ? Number(m[1]) / 100 : Number(m[1])
}

function options(y: Argv): Argv {
  return samplingOptions(y)
      .positional('scenario', { type: 'string', describe: "scenario file, or 'fit' to fit the USL to a CSV of N,X" })
      .option('input', { type: 'string', describe: "with 'fit': CSV with a header row N,X (load, throughput)" })
      .option('format', { type: 'string', default: 'text', describe: 'text or json' })
      .option('slo', { type: 'string', describe: "latency objective, e.g. 'p95<800ms'" })
      .option('mode', { type: 'string', default: 'ladder', describe: 'ladder (steady steps of the journey mix) or search (largest --scale of the scenario)' })
      .option('error-budget', { type: 'string', default: '1%', describe: 'largest error rate that still counts as meeting the SLO' })
      .option('from', { type: 'string', describe: 'ladder: first step, learners arriving per second (default: top / steps)' })
      .option('to', { type: 'string', describe: "ladder: last step (default: twice the scenario's peak rate)" })
      .option('steps', { type: 'string', default: '6', describe: 'ladder: number of steps' })
      .option('hold', { type: 'string', default: '30s', describe: 'ladder: how long each step holds its rate' })
      .option('stream', { type: 'string', describe: 'ladder, scenario with streams: the stream to ramp (the others are held at their average)' })
      .option('start', { type: 'string', default: '1', describe: 'search: first --scale tried' })
      .option('precision', { type: 'string', default: '10%', describe: 'search: stop when pass and fail are this close' })
      .option('max-trials', { type: 'string', default: '8', describe: 'search: at most this many runs' })
      .option('duration', { type: 'string', describe: 'search: run each trial over this length' })
      .option('current-peak', { type: 'string', describe: "today's peak in the capacity's unit: learners arriving per second (ladder), learners in one run of the scenario (search)" })
      .option('growth', { type: 'string', describe: "yearly growth of the peak, e.g. '25%'" })
      .option('target', { type: 'string', describe: 'LMS under test (default: the bundled reference backend)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a target off loopback' })
      .option('workers', { type: 'string', describe: 'load worker threads' })
      .option('out', { type: 'string', describe: 'run directory (ladder) or directory of trials (search)' })
      .option('seed', { type: 'string', describe: 'random seed' })
      .option('backend-profile', { type: 'string', describe: 'bottleneck profile of the bundled backend' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no live progress' })
}

async function execute(argv: CapacityArgs, ctx: CliContext): Promise<number> {
  const { capacityLadder, capacitySearch, fitCsv } = await useCases.capacity()
  const { ladderText, searchText, uslFitText } = await useCases.report()
  if (argv.format !== 'text' && argv.format !== 'json') throw new UserError('LMSLOAD_USAGE', `--format: expected text or json, got '${argv.format}'`)
  if (argv.scenario === 'fit') {
    if (!argv.input) throw new UserError('LMSLOAD_USAGE', "capacity fit: --input data.csv is required (a header row N,X and at least 4 rows)")
    const fit = fitCsv(argv.input)
    if (argv.format === 'json') {
      process.stdout.write(`${JSON.stringify({ lambda: fit.lambda, sigma: fit.sigma, kappa: fit.kappa, r2: fit.r2, peakN: fit.peakN, peakX: fit.peakX }, null, 2)}\n`)
    } else {
      process.stdout.write(uslFitText(fit))
    }
    return 0
  }
  if (!argv.slo) throw new UserError('LMSLOAD_USAGE', "capacity: --slo is required, e.g. --slo 'p95<800ms'")
  if (argv.mode !== 'ladder' && argv.mode !== 'search') throw new UserError('LMSLOAD_USAGE', `--mode: expected ladder or search, got '${argv.mode}'`)
  const plan = { currentPeak: num('current-peak', argv['current-peak']), growthPerYear: share('growth', argv.growth) }
  const errorBudget = share('error-budget', argv['error-budget'])!
  const printer = new ProgressPrinter(process.stderr)
  const interrupt = interruptible(ctx)
  const hooks = {
    signal: interrupt.signal,
    onProgress: argv.quiet ? undefined : (p: Parameters<ProgressPrinter['update']>[0]) => printer.update(p),
    onNotice: (line: string) => {
      printer.clear()
      process.stderr.write(`${line}\n`)
    },
  }
  const common = {
    scenarioFile: argv.scenario, target: argv.target, allowRemote: argv['allow-remote'], workers: num('workers', argv.workers, { integer: true }),
    seed: argv.seed === undefined ? undefined : num('seed', argv.seed, { min: -1, integer: true }), backendProfile: argv['backend-profile'],
    // A foreign target's /proc and /metrics: the evidence that explains where the knee is.
    ...samplingOf(argv),
  }
  try {
    if (argv.mode === 'ladder') {
      const o = await capacityLadder({
        ...common, out: argv.out, slo: argv.slo, errorBudget, from: num('from', argv.from), to: num('to', argv.to),
        steps: num('steps', argv.steps, { min: 1, integer: true })!, holdMs: parseDurationMs(argv.hold, '--hold'), plan,
        ...(argv.stream !== undefined ? { stream: argv.stream } : {}),
      }, hooks)
      printer.clear()
      if (argv.format === 'json') process.stdout.write(`${JSON.stringify({ ...o.capacity, plan: o.plan }, null, 2)}\n`)
      else process.stdout.write(ladderText(o.capacity, o.plan, errorBudget, o.dir, path.join(o.dir, 'report.html')))
      return o.exitCode
    }
    const out = path.resolve(argv.out ?? path.join('reports', 'capacity', `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-search`))
    const o = await capacitySearch({
      ...common, out, slo: argv.slo, errorBudget, start: num('start', argv.start)!, precision: 1 + share('precision', argv.precision)!,
      maxTrials: num('max-trials', argv['max-trials'], { min: 1, integer: true })!, durationMs: argv.duration ? parseDurationMs(argv.duration, '--duration') : undefined, plan,
    }, hooks)
    printer.clear()
    if (argv.format === 'json') process.stdout.write(`${JSON.stringify({ ...o.result, scenarioLearners: o.scenarioLearners, bestLearners: o.bestLearners, plan: o.plan }, null, 2)}\n`)
    else process.stdout.write(searchText(argv.slo, errorBudget, o.result, o.bestLearners, o.plan, o.dir))
    return o.exitCode
  } finally {
    interrupt.dispose()
  }
}

const command: CommandModule<CapacityArgs> = {
  options,
  examples: [
    ["$0 capacity exam-spike --slo 'p95<800ms' --current-peak 12 --growth 25%", 'steady steps up to twice the peak: how many learners arriving per second fit, and when growth runs out of room'],
    ["$0 capacity exam-day --stream exam --slo 'p95<1s'", 'ramp the exam stream in steps while the background and the deadline are held at their average'],
    ["$0 capacity exam-spike --slo 'p95<800ms' --mode search --duration 60s", 'the largest --scale of the whole scenario that keeps its budgets'],
    ["$0 capacity lmsload/scenarios/example.ts --target http://127.0.0.1:8080 --pid 4242 --scrape http://127.0.0.1:8080/metrics --slo 'p95<1s'", "your LMS, with its process and its /metrics sampled every second: the knee comes with the evidence"],
    ['$0 capacity fit --input measurements.csv', 'fit the Universal Scalability Law to your own N,X measurements'],
  ],
  execute: (argv, ctx) => execute(argv, ctx),
}
export default command
