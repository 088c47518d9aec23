import type { Argv } from 'yargs'
import { useCases } from '../../app/index.ts'
import { displayPath, UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { parametersOf, shapeOf, shapeOptions } from '../options.ts'

interface SetupArgs {
  scenario: string
  target?: string
  'allow-remote': boolean
  out?: string
  insecure: boolean
  scale?: string
  size?: string
  duration?: string
  seed?: string
  env?: string[]
  secret?: string[]
  'secret-file'?: string[]
}

const command: CommandModule<SetupArgs> = {
  options: (y: Argv) => shapeOptions(y)
    .positional('scenario', { type: 'string', describe: 'scenario file, or a ready scenario by name' })
    .option('target', { type: 'string', describe: 'base URL of the LMS the shards will load (required)' })
    .option('allow-remote', { type: 'boolean', default: false, describe: 'allow a target that is not on loopback' })
    .option('out', { type: 'string', describe: "file to write setup()'s result to (required; never overwritten; holds what setup returned, tokens included: keep it private)" })
    .option('insecure', { type: 'boolean', default: false, describe: 'accept any TLS certificate of the target' })
    .option('env', { type: 'string', array: true, describe: 'a parameter for the scenario, KEY=VALUE (repeatable)' })
    .option('secret', { type: 'string', array: true, describe: 'a secret for the scenario, by name, from the environment (repeatable)' })
    .option('secret-file', { type: 'string', array: true, describe: 'a secret read from a file, KEY=PATH (repeatable)' }) as unknown as Argv,
  examples: [
    ['$0 setup exam-spike --target http://10.0.0.5 --allow-remote --out /shared/setup.json', "run setup() once; every shard then runs with --setup-from /shared/setup.json"],
  ],
  async execute(argv) {
    if (argv.target === undefined) throw new UserError('LMSLOAD_USAGE', 'setup: --target is required (the LMS every shard will load)')
    if (argv.out === undefined) throw new UserError('LMSLOAD_USAGE', "setup: --out is required (the file the shards read with --setup-from)")
    const { shape, seed } = shapeOf(argv)
    const { runSetup } = await useCases.setup()
    const { file, setup, ran } = await runSetup({
      scenarioFile: argv.scenario, target: argv.target, allowRemote: argv['allow-remote'], out: argv.out, shape, seed,
      ...(argv.insecure ? { tls: { insecure: true } } : {}), parameters: parametersOf(argv, process.env),
    })
    process.stdout.write(`${ran ? `setup() of ${setup.scenario} ran against ${setup.target}` : `${setup.scenario} has no setup(): nothing to share`}; ${displayPath(file)} (digest ${setup.digest})\n`)
    return 0
  },
}
export default command
