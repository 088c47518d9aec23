import type { Argv } from 'yargs'
import { DEMO_SCALE, DEMO_SCENARIO, useCases } from '../../app/index.ts'
import type { CommandModule } from '../command.ts'
import { executeRun } from './run.ts'

interface DemoArgs {
  scale?: string
  duration?: string
  out?: string
  quiet: boolean
}

const command: CommandModule<DemoArgs> = {
  options: (y: Argv) => y
    .option('scale', { type: 'string', describe: `share of the scenario's 2,000 learners (default ${DEMO_SCALE})` })
    .option('duration', { type: 'string', describe: "squeeze or stretch the exam's timeline, e.g. '30s' (default: as written, about 80 s)" })
    .option('out', { type: 'string', describe: 'run directory to create (default reports/runs/<yyyymmdd-hhmmss>-exam-spike)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'no live progress' }),
  examples: [
    ['$0 demo', 'about 90 s: the bundled LMS, 500 learners opening an exam, an HTML report under ./reports/runs/'],
    ['$0 demo --duration 30s --scale 0.1', 'a shorter, smaller tour'],
  ],
  async execute(argv, ctx) {
    const { readyScenarioFile } = await useCases.scenarios()
    const learners = Math.round(Number(argv.scale ?? DEMO_SCALE) * 2000)
    if (Number.isFinite(learners)) process.stderr.write(`lmsload demo: ${learners.toLocaleString('en-US')} learners start an exam on the bundled reference LMS${argv.duration ? '' : ' (about 90 s)'}…\n`)
    const code = await executeRun({
      scenario: readyScenarioFile(DEMO_SCENARIO), scale: argv.scale ?? String(DEMO_SCALE), duration: argv.duration, out: argv.out, quiet: argv.quiet, 'allow-remote': false, uniform: false,
    }, ctx)
    if (code === 0 || code === 99) process.stderr.write('\nOpen the report above in a browser: it is one self-contained file (no network needed).\n')
    return code
  },
}
export default command
