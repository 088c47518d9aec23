import type { Argv } from 'yargs'
import { displayPath } from '../../core/index.ts'
import type { CommandModule } from '../command.ts'
import { useCases } from '../../app/index.ts'

interface InitArgs {
  dir: string
  target?: string
  force: boolean
}

const command: CommandModule<InitArgs> = {
  options: (y: Argv) => y
    .positional('dir', { type: 'string', default: '.', describe: 'your repository (default: the current directory)' })
    .option('target', { type: 'string', describe: 'your LMS, written into the CI workflow and the README (default: the bundled reference LMS)' })
    .option('force', { type: 'boolean', default: false, describe: "overwrite the starter kit's files where they exist" }),
  examples: [
    ['$0 init', 'lmsload/scenarios/example.ts, lmsload/budgets.json, lmsload/README.md and .github/workflows/lmsload.yml'],
    ['$0 init --target https://lms-staging.example.edu', 'the same, with the CI workflow pointed at your LMS'],
  ],
  async execute(argv) {
    const { initProject } = await useCases.init()
    const written = initProject({ dir: argv.dir, target: argv.target, force: argv.force })
    const example = written.find((f) => f.endsWith('example.ts'))!
    process.stdout.write(`${written.map((f) => `wrote ${displayPath(f)}`).join('\n')}\n\nnext: npx lmsload run ${displayPath(example)}${argv.target ? ` --target ${argv.target}` : ''}  (then read ${displayPath(written.find((f) => f.endsWith('README.md'))!)})\n`)
    return 0
  },
}
export default command
