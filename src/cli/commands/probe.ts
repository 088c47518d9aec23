import type { Argv } from 'yargs'
import { displayPath, EXIT, parseDurationMs, UserError } from '../../core/index.ts'
import type { CliContext, CommandModule } from '../command.ts'
import { interruptible } from '../interrupt.ts'
import { positiveNumber } from '../options.ts'
import { useCases } from '../../app/index.ts'

interface ProbeArgs {
  url: string
  connections?: string
  duration?: string
  rate?: string
  method?: string
  header?: string[]
  body?: string
  timeout?: string
  pipelining?: string
  out?: string
  name?: string
  'allow-remote': boolean
  budget?: string
  quiet: boolean
}

function options(y: Argv): Argv {
  return y
      .positional('url', { type: 'string', describe: 'the endpoint, e.g. http://127.0.0.1:8080/api/courses' })
      .option('connections', { alias: 'c', type: 'string', describe: 'concurrent connections (default 10)' })
      .option('duration', { alias: 'd', type: 'string', describe: "how long, e.g. '30s' (default 10s; whole seconds)" })
      .option('rate', { alias: 'R', type: 'string', describe: 'cap on requests per second over all connections (default: as fast as answers come)' })
      .option('method', { alias: 'm', type: 'string', describe: 'HTTP method (default GET)' })
      .option('header', { alias: 'H', type: 'string', array: true, describe: "request header 'name: value' (repeatable)" })
      .option('body', { alias: 'b', type: 'string', describe: 'request body' })
      .option('timeout', { type: 'string', describe: "give up on a request after this long (default '10s')" })
      .option('pipelining', { type: 'string', describe: 'requests in flight per connection (default 1)' })
      .option('out', { type: 'string', describe: 'run directory (default reports/runs/<time>-<name>)' })
      .option('name', { type: 'string', describe: 'name of the run (default probe)' })
      .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a URL that is not on loopback' })
      .option('budget', { type: 'string', describe: 'JSON budget file to evaluate against the probe' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no per-second progress' })
}

async function execute(argv: ProbeArgs, ctx: CliContext): Promise<number> {
  const headers: Record<string, string> = {}
  for (const h of argv.header ?? []) {
    const colon = h.indexOf(':')
    if (colon <= 0) throw new UserError('LMSLOAD_USAGE', `--header: expected 'name: value', got '${h}'`)
    headers[h.slice(0, colon).trim().toLowerCase()] = h.slice(colon + 1).trim()
  }
  const durationMs = argv.duration === undefined ? undefined : parseDurationMs(argv.duration, '--duration')
  if (durationMs !== undefined && durationMs < 1000) throw new UserError('LMSLOAD_USAGE', `--duration: at least 1s, got '${argv.duration}'`)
  const timeoutMs = argv.timeout === undefined ? undefined : parseDurationMs(argv.timeout, '--timeout')
  const { runProbe } = await useCases.probe()
  const { consoleSummary } = await useCases.report()
  const interrupt = interruptible(ctx)
  try {
    const outcome = await runProbe({
      url: argv.url, connections: positiveNumber('connections', argv.connections, true), durationMs, rate: positiveNumber('rate', argv.rate, false),
      method: argv.method, headers, body: argv.body, timeoutMs, pipelining: positiveNumber('pipelining', argv.pipelining, true), out: argv.out,
      name: argv.name, allowRemote: argv['allow-remote'], budgetFile: argv.budget, signal: interrupt.signal,
      onSecond: argv.quiet ? undefined : (second, requests) => process.stderr.write(`  ${second + 1}s: ${requests} responses\n`),
    })
    const off = outcome.comparison.filter((c) => !c.ok)
    const lines = [
      `probed ${outcome.endpoint}: ${outcome.requests} requests in ${outcome.seconds} s into ${displayPath(outcome.dir)}`,
      `against autocannon's own result: ${outcome.comparison.length - off.length}/${outcome.comparison.length} numbers agree`,
      ...off.map((c) => `  differs: ${c.metric}: autocannon ${c.tool}, lmsload ${Number(c.lmsload.toFixed(3))}`),
    ]
    process.stdout.write(`${lines.join('\n')}\n\n${consoleSummary(outcome.analysis.analysis)}\n\nreport: ${displayPath(outcome.analysis.reports!.html)}\n`)
    return interrupt.signal.aborted ? EXIT.interrupted : outcome.analysis.exitCode
  } finally {
    interrupt.dispose()
  }
}

const command: CommandModule<ProbeArgs> = {
  options,
  examples: [
    ['$0 probe http://127.0.0.1:8080/api/courses -c 32 -d 30s', 'as fast as answers come, 32 connections, 30 s'],
    ["$0 probe http://127.0.0.1:8080/api/courses -R 2000 -H 'authorization: Bearer …'", 'a fixed rate with a header'],
  ],
  execute: (argv, ctx) => execute(argv, ctx),
}
export default command
