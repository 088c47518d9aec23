import type { Argv } from 'yargs'
import { UserError } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface CheckArgs {
  scenarios: string[]
}

const command: CommandModule<CheckArgs> = {
  options: (y: Argv) => y.positional('scenarios', { type: 'string', array: true, describe: 'scenario files (.ts or .js), or ready scenarios by name' }),
  examples: [
    ['$0 check lmsload/scenarios/*.ts', 'type errors at file:line and invalid definitions; exit 1 when there is one'],
  ],
  async execute(argv) {
    const { checkScenarios } = await useCases.check()
    const problems = await checkScenarios(argv.scenarios)
    if (problems.length === 0) {
      process.stdout.write(`${argv.scenarios.length} scenario${argv.scenarios.length > 1 ? 's' : ''} checked: no type errors, definitions valid\n`)
      return 0
    }
    process.stderr.write(problems.map((p) => `${p}\n`).join(''))
    throw new UserError('LMSLOAD_CHECK', `${problems.length} problem${problems.length > 1 ? 's' : ''} in ${argv.scenarios.length} scenario${argv.scenarios.length > 1 ? 's' : ''} (listed above)`)
  },
}
export default command
