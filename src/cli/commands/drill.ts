import type { Argv } from 'yargs'
import { useCases, type DrillPlan } from '../../app/index.ts'
import { UserError } from '../../core/index.ts'
import type { CliContext, CommandModule } from '../command.ts'
import { runOptions, runRequestOf, type RunArgs } from '../options.ts'
import { executeRun } from './run.ts'

interface DrillArgs extends RunArgs {
  'kill-at': string
  signal?: string
  'target-pid'?: string
  'kill-command'?: string
  'down-for'?: string
  'restart-command'?: string
  'restore-from'?: string
  'verify-command'?: string
  'probe-path'?: string
  'recovery-timeout'?: string
}

function options(y: Argv): Argv {
  return runOptions(y)
      .option('kill-at', { type: 'string', default: '40%', describe: "when to kill the target: a share of the planned run ('40%') or a time from its start ('20s')" })
      .option('signal', { type: 'string', describe: 'signal for the bundled backend or --target-pid (default SIGKILL)' })
      .option('target-pid', { type: 'string', describe: 'with --target: the process to signal' })
      .option('kill-command', { type: 'string', describe: 'with --target: shell command that kills it' })
      .option('down-for', { type: 'string', describe: "how long the target stays down before the restart (default '1s')" })
      .option('restart-command', { type: 'string', describe: 'with --target: shell command that starts it again (may keep running)' })
      .option('restore-from', { type: 'string', describe: "bundled backend: restore before the restart, from 'pre-run' (a backup taken as the load starts) or a backup file" })
      .option('verify-command', { type: 'string', describe: 'with --target: checks the writes listed in $LMSLOAD_WRITES, prints {"checked": n, "lost": [...]} last' })
      .option('probe-path', { type: 'string', describe: 'path the recovery probe requests every 100 ms (default /healthz on the bundled backend, / otherwise)' })
      .option('recovery-timeout', { type: 'string', describe: "give up waiting for the target after this long (default '120s')" }) as unknown as Argv
}

async function execute(argv: DrillArgs, ctx: CliContext): Promise<number> {
  const pidText = argv['target-pid']
  if (pidText !== undefined && !/^[1-9]\d*$/.test(pidText)) throw new UserError('LMSLOAD_USAGE', `--target-pid: expected a process id, got '${pidText}'`)
  const plan: DrillPlan = {
    killAt: argv['kill-at'],
    signal: argv.signal as NodeJS.Signals | undefined,
    pid: pidText === undefined ? undefined : Number(pidText),
    killCommand: argv['kill-command'],
    downFor: argv['down-for'],
    restartCommand: argv['restart-command'],
    restoreFrom: argv['restore-from'],
    verifyCommand: argv['verify-command'],
    probePath: argv['probe-path'],
    recoveryTimeout: argv['recovery-timeout'],
  }
  // Every mistake in the drill's own flags is reported before the scenario loads or a backend starts.
  const { runDrill, validateDrill } = await useCases.drill()
  validateDrill(plan, runRequestOf(argv, ctx.stepSummaryFile).target !== undefined)
  return executeRun(argv, ctx, (request, hooks) => runDrill(request, plan, hooks))
}

const command: CommandModule<DrillArgs> = {
  options,
  examples: [
    ['$0 drill dr-drill', 'kill -9 the bundled backend at 40 %, restart it, report RTO and lost answers'],
    ['$0 drill dr-drill --restore-from pre-run', 'restore the backup taken at the start before restarting: the RPO shows what a restore loses'],
  ],
  execute,
}
export default command
