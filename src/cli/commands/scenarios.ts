import type { Argv } from 'yargs'
import { UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface ScenariosArgs {
  format: string
}

const command: CommandModule<ScenariosArgs> = {
  options: (y: Argv) => y.option('format', { type: 'string', default: 'text', describe: 'text or json' }),
  examples: [
    ['$0 scenarios', 'the ready scenarios and what each models'],
    ['$0 run exam-spike --scale 0.1', 'run one by name'],
  ],
  async execute(argv) {
    if (argv.format !== 'text' && argv.format !== 'json') throw new UserError('LMSLOAD_USAGE', `--format: expected text or json, got '${argv.format}'`)
    const { readyScenarios } = await useCases.scenarios()
    const list = await readyScenarios()
    if (argv.format === 'json') {
      process.stdout.write(`${JSON.stringify(list.map(({ name, description }) => ({ name, description })), null, 2)}\n`)
      return 0
    }
    const width = Math.max(...list.map((s) => s.name.length))
    process.stdout.write(`${list.map((s) => `${s.name.padEnd(width)}  ${s.description}`).join('\n')}\n\nrun one by name: lmsload run <name> (against the bundled reference LMS, or --target <url>)\n`)
    return 0
  },
}
export default command
