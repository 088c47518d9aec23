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
  shards?: string
  image?: string
  cpus?: string
  context?: string
}

function options(y: Argv): Argv {
  return shapeOptions(y)
      .positional('tool', { type: 'string', describe: 'the engine to export to: k6, or k8s (lmsload itself, sharded over a Kubernetes Indexed Job)' })
      .positional('scenario', { type: 'string', describe: 'scenario file (.ts)' })
      .option('out', { type: 'string', describe: 'output directory (default reports/k6/<scenario>)' })
      .option('parallelism', { type: 'string', describe: 'k6-operator runners sharing the load (default 1)' })
      .option('target', { type: 'string', describe: 'base URL the script sends to (default http://127.0.0.1:8080; k6 -e LMSLOAD_TARGET=… overrides it)' })
      .option('typecheck', { type: 'boolean', default: true, describe: 'check the script against @types/k6 first (--no-typecheck skips it)' })
      .option('env', { type: 'string', array: true, describe: "KEY=VALUE for a scenario that reads env() at its top level (the script reads k6's -e KEY=… when it runs)" })
      .option('secret', { type: 'string', array: true, describe: 'a secret the scenario reads at its top level, by name, from the environment; never written into the script' })
      .option('secret-file', { type: 'string', array: true, describe: 'a secret read from a file, KEY=PATH' })
      .option('shards', { type: 'string', describe: 'k8s: pods of the Indexed Job, each one shard of the plan (required)' })
      .option('image', { type: 'string', describe: 'k8s: the image the pods run (default lmsload:<version>, built from the Dockerfile written beside)' })
      .option('cpus', { type: 'string', describe: 'k8s: cores per shard, requested and limited alike (default 2; workers = cores − 1)' })
      .option('context', { type: 'string', describe: "k8s: the directory shipped with the scenario, helpers and data files included (default: the scenario file's)" })
}

async function executeK8s(argv: ExportArgs): Promise<number> {
  if (argv.target === undefined) throw new UserError('LMSLOAD_USAGE', 'export k8s: --target is required (the LMS every shard loads)')
  if (argv.shards === undefined) throw new UserError('LMSLOAD_USAGE', 'export k8s: --shards is required (how many pods share the plan)')
  if (argv.parallelism !== undefined) throw new UserError('LMSLOAD_USAGE', '--parallelism: for export k6; export k8s takes --shards')
  const { shape, seed } = shapeOf(argv)
  const { env } = parametersOf({ env: argv.env }, process.env)
  // The secrets' values are the cluster's (a Kubernetes Secret): here only their names, and a stand-in
  // for a scenario that reads one at its top level while it is imported.
  const secretNames = (argv.secret ?? []).map(String)
  for (const name of secretNames) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError('LMSLOAD_USAGE', `--secret ${name}: a name of letters, digits and '_' (its value comes from the Kubernetes Secret)`)
  const secrets = Object.fromEntries(secretNames.map((k) => [k, process.env[k] || 'secret-set-in-the-cluster']))
  const { exportScenarioToK8s } = await useCases.exportK8s()
  const r = await exportScenarioToK8s({
    scenarioFile: argv.scenario, shards: positiveNumber('shards', argv.shards, true)!, target: argv.target, image: argv.image, outDir: argv.out, shape, seed,
    cpus: positiveNumber('cpus', argv.cpus, true), context: argv.context, parameters: { env, secrets }, secretNames,
  })
  process.stdout.write(
    `Kubernetes Indexed Job ${r.name}: ${displayPath(r.job)} (${r.learnersPerShard.toLocaleString('en-US')} learners at most per shard, ${r.memoryMiB} MiB each${r.archiveBytes ? `; scenario directory packed into a ConfigMap, ${r.archiveBytes.toLocaleString('en-US')} bytes` : '; a ready scenario, in the image'})\n` +
    `merge Job: ${displayPath(r.merge)}\nimage: ${displayPath(r.dockerfile)}\nthe commands, in order: ${displayPath(r.readme)}\n`,
  )
  return 0
}

async function execute(argv: ExportArgs): Promise<number> {
  if (argv.tool === 'k8s') return executeK8s(argv)
  if (argv.tool !== 'k6') throw new UserError('LMSLOAD_USAGE', `export: unknown tool '${argv.tool}' (expected: k6 or k8s)`)
  const k8sOnly = (['shards', 'image', 'cpus', 'context'] as const).find((f) => argv[f] !== undefined)
  if (k8sOnly) throw new UserError('LMSLOAD_USAGE', `--${k8sOnly}: for export k8s; export k6 takes --parallelism`)
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
    ['$0 export k8s exam-spike --shards 3 --target https://lms.example.edu', 'lmsload itself in three shards of one plan: an Indexed Job, a merge Job, a Dockerfile and the commands'],
  ],
  execute: (argv) => execute(argv),
}
export default command
