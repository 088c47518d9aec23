import type { Argv } from 'yargs'
import { displayPath, UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { parametersOf, positiveNumber, shapeOf, shapeOptions } from '../options.ts'
import { useCases } from '../../app/index.ts'

interface ExportArgs {
  tool: string
  scenario: string
  out?: string
  parallelism?: string
  target?: string
  scale?: string
  size?: string
  duration?: string
  seed?: string
  typecheck: boolean
  env?: string[]
  secret?: string[]
  'secret-file'?: string[]
}

function options(y: Argv): Argv {
  return shapeOptions(y)
      .positional('tool', { type: 'string', describe: 'the engine to export to: k6' })
      .positional('scenario', { type: 'string', describe: 'scenario file (.ts)' })
      .option('out', { type: 'string', describe: 'output directory (default reports/k6/<scenario>)' })
      .option('parallelism', { type: 'string', describe: 'k6-operator runners sharing the load (default 1)' })
      .option('target', { type: 'string', describe: 'base URL the script sends to (default http://127.0.0.1:8080; k6 -e LMSLOAD_TARGET=… overrides it)' })
      .option('typecheck', { type: 'boolean', default: true, describe: 'check the script against @types/k6 first (--no-typecheck skips it)' })
      .option('env', { type: 'string', array: true, describe: "KEY=VALUE for a scenario that reads env() at its top level (the script reads k6's -e KEY=… when it runs)" })
      .option('secret', { type: 'string', array: true, describe: 'a secret the scenario reads at its top level, by name, from the environment; never written into the script' })
      .option('secret-file', { type: 'string', array: true, describe: 'a secret read from a file, KEY=PATH' })
}

async function execute(argv: ExportArgs): Promise<number> {
  if (argv.tool !== 'k6') throw new UserError('LMSLOAD_USAGE', `export: unknown tool '${argv.tool}' (expected: k6)`)
  const { shape, seed } = shapeOf(argv)
  const { exportScenarioToK6 } = await useCases.exportK6()
  const result = await exportScenarioToK6({
    scenarioFile: argv.scenario,
    outDir: argv.out,
    parallelism: positiveNumber('parallelism', argv.parallelism, true),
    target: argv.target,
    shape,
    seed,
    typecheck: argv.typecheck,
    parameters: parametersOf(argv, process.env),
  })
  const s = result.options.scenarios.learners!
  const load = s.executor === 'ramping-arrival-rate' ? `ramping-arrival-rate, ${s.stages.length} stages, up to ${s.maxVUs} VUs` : `ramping-vus, ${s.stages.length} stages`
  process.stdout.write(
    `k6 script: ${displayPath(result.script)} (${(result.bytes / 1024).toFixed(0)} KiB${result.faker ? ', with faker' : ''}; ${load}; ${Object.keys(result.options.thresholds).length} thresholds)\n` +
    `k6-operator TestRun: ${displayPath(result.manifest)}\nhow to run it and import the results: ${displayPath(result.readme)}\n`,
  )
  return 0
}

const command: CommandModule<ExportArgs> = {
  options,
  examples: [
    ['$0 export k6 exam-spike --target https://lms.example.edu', 'one k6 script (type-checked against @types/k6), a k6-operator TestRun and a guide under ./reports/k6/'],
    ['$0 export k6 lmsload/scenarios/example.ts --parallelism 4', 'split the load over four k6-operator runners'],
  ],
  execute: (argv) => execute(argv),
}
export default command
