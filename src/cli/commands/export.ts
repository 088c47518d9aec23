import type { Argv } from 'yargs'
import { exportScenarioToK6 } from '../../app/export-k6.ts'
import { displayPath, UserError } from '../../core/index.ts'
import { positiveNumber, shapeOf, shapeOptions } from './run.ts'

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
}

export function exportCommand(yargs: Argv) {
  return yargs.command<ExportArgs>(
    'export <tool> <scenario>',
    'export a scenario to another engine: k6 (one script, a k6-operator TestRun for distributed runs, a guide)',
    (y) => shapeOptions(y)
      .positional('tool', { type: 'string', describe: 'the engine to export to: k6' })
      .positional('scenario', { type: 'string', describe: 'scenario file (.ts)' })
      .option('out', { type: 'string', describe: 'output directory (default reports/k6/<scenario>)' })
      .option('parallelism', { type: 'string', describe: 'k6-operator runners sharing the load (default 1)' })
      .option('target', { type: 'string', describe: 'base URL the script sends to (default http://127.0.0.1:8080; k6 -e LMSLOAD_TARGET=… overrides it)' })
      .option('typecheck', { type: 'boolean', default: true, describe: 'check the script against @types/k6 first (--no-typecheck skips it)' }),
    async () => {},
  )
}

export async function executeExport(argv: ExportArgs): Promise<number> {
  if (argv.tool !== 'k6') throw new UserError('LMSLOAD_USAGE', `export: unknown tool '${argv.tool}' (expected: k6)`)
  const { shape, seed } = shapeOf(argv)
  const result = await exportScenarioToK6({
    scenarioFile: argv.scenario,
    outDir: argv.out,
    parallelism: positiveNumber('parallelism', argv.parallelism, true),
    target: argv.target,
    shape,
    seed,
    typecheck: argv.typecheck,
  })
  const s = result.options.scenarios.learners!
  const load = s.executor === 'ramping-arrival-rate' ? `ramping-arrival-rate, ${s.stages.length} stages, up to ${s.maxVUs} VUs` : `ramping-vus, ${s.stages.length} stages`
  process.stdout.write(
    `k6 script: ${displayPath(result.script)} (${(result.bytes / 1024).toFixed(0)} KiB${result.faker ? ', with faker' : ''}; ${load}; ${Object.keys(result.options.thresholds).length} thresholds)\n` +
    `k6-operator TestRun: ${displayPath(result.manifest)}\nhow to run it and import the results: ${displayPath(result.readme)}\n`,
  )
  return 0
}
