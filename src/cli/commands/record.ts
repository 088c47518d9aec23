import type { Argv } from 'yargs'
import { displayPath, UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface RecordArgs {
  kind: string
  file: string
  out?: string
  origin?: string
  'keep-static': boolean
  name?: string
  force: boolean
}

function options(y: Argv): Argv {
  return y
      .positional('kind', { type: 'string', describe: 'har' })
      .positional('file', { type: 'string', describe: 'the recording (.har)' })
      .option('out', { type: 'string', describe: 'the scenario file to write (.ts), e.g. scenarios/my-flow.ts' })
      .option('origin', { type: 'string', describe: 'keep requests to this origin only (default: the one most requests went to)' })
      .option('keep-static', { type: 'boolean', default: false, describe: 'keep scripts, styles, images and fonts' })
      .option('name', { type: 'string', describe: 'scenario name (default: from --out)' })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing --out file' })
}

async function execute(argv: RecordArgs): Promise<number> {
  if (argv.kind !== 'har') throw new UserError('LMSLOAD_USAGE', `record: unknown kind '${argv.kind}' (expected: har)`)
  if (!argv.out) throw new UserError('LMSLOAD_USAGE', 'record har: --out is required (the scenario file to write, e.g. scenarios/my-flow.ts)')
  const { recordHar } = await useCases.recordHar()
  const r = recordHar({ har: argv.file, out: argv.out, origin: argv.origin, keepStatic: argv['keep-static'], name: argv.name, force: argv.force })
  process.stdout.write(
    `scenario: ${displayPath(r.out)} (${r.kept} requests over ${r.pages} pages from ${r.origin}; ${r.correlations} values correlated, ${r.constants} recorded constants)\n` +
    `dropped: ${r.dropped.static} static, ${r.dropped.otherOrigin} other origins, ${r.dropped.failed} without an answer\n` +
    `try it: lmsload run ${displayPath(r.out)} --target ${r.origin} --duration 30s\n`,
  )
  return 0
}

const command: CommandModule<RecordArgs> = {
  options,
  examples: [
    ['$0 record har session.har --out lmsload/scenarios/my-flow.ts', "a browser's recording of one learner's session as a scenario to edit"],
  ],
  execute: (argv) => execute(argv),
}
export default command
