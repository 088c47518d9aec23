import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { EXIT, UserError } from '../core/errors.ts'
import { displayPath } from '../core/paths.ts'
import { parseDurationMs } from '../core/units.ts'
import type { EngineEvent, EngineSink, EngineStart, IntervalRecord } from '../metrics/interval.ts'
import { DRILL_SCHEMA, type DrillJson } from '../record/layout/drill-json.ts'
import { writeDrill } from '../record/layout/side-files.ts'
import type { BundledBackend } from './bundled-backend.ts'
import { resolveScenario } from './scenarios.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { shapeLoad } from '../scenario/shape.ts'
import { runScenario, type RunHooks, type RunOutcome, type RunRequest } from './run.ts'
import { DrillController } from './drill/controller.ts'
import { PROBE_INTERVAL_MS, RecoveryProbe, sleep } from './drill/probe.ts'
import { bundledTarget, externalTarget, restoreSource, type DrillTarget } from './drill/target.ts'
import { verifyWrites } from './drill/verify.ts'

export { PROBE_TIMEOUT_MS } from './drill/probe.ts'

/** What `lmsload drill` does to the target, on top of an ordinary run. */
export interface DrillPlan {
  /** When to kill: `40%` of the planned run or a time from its start (`20s`). */
  killAt: string
  /** Signal for the bundled backend or `pid` (default SIGKILL). */
  signal?: NodeJS.Signals
  /** A process of an external target to signal. */
  pid?: number
  /** Shell command that kills an external target (instead of a signal). */
  killCommand?: string
  /** Wait this long after the kill before restoring and restarting (default 1s). */
  downFor?: string
  /** Shell command that starts an external target again; without it, the drill waits for the target to come back by itself. */
  restartCommand?: string
  /** Bundled backend: restore before the restart, from `pre-run` (a backup taken as the load starts) or a backup file. */
  restoreFrom?: string
  /** External target: command that checks acknowledged writes ($LMSLOAD_WRITES) and prints {"checked", "lost"} as its last line. */
  verifyCommand?: string
  /** Path the recovery probe requests (default /healthz on the bundled backend, / otherwise). */
  probePath?: string
  /** Give up waiting for recovery after this long (default 120s). */
  recoveryTimeout?: string
}

export interface DrillOutcome extends RunOutcome {
  drill: DrillJson
}

const SIGNALS = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP', 'SIGSTOP'])

function killAtMs(text: string, plannedMs: number): number {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim())
  if (percent) {
    const p = Number(percent[1])
    if (p <= 0 || p >= 100) throw new UserError('LMSLOAD_USAGE', `--kill-at: a share of the run must lie between 0% and 100%, got '${text}'`)
    return (p / 100) * plannedMs
  }
  const ms = parseDurationMs(text, '--kill-at')
  if (ms <= 0 || ms >= plannedMs) throw new UserError('LMSLOAD_USAGE', `--kill-at: ${text} is not inside the planned run of ${plannedMs / 1000} s`)
  return ms
}

/** Checks the plan before any load: every mistake is a one-line error, nothing started. */
export function validateDrill(plan: DrillPlan, externalTarget: boolean): void {
  if (/^\d+(\.\d+)?%$/.test(plan.killAt.trim())) killAtMs(plan.killAt, Number.MAX_SAFE_INTEGER)
  else parseDurationMs(plan.killAt, '--kill-at')
  if (plan.signal !== undefined && !SIGNALS.has(plan.signal)) throw new UserError('LMSLOAD_USAGE', `--signal: expected one of ${[...SIGNALS].join(', ')}, got '${plan.signal}'`)
  for (const [flag, value] of [['--down-for', plan.downFor], ['--recovery-timeout', plan.recoveryTimeout]] as const) if (value !== undefined) parseDurationMs(value, flag)
  if (plan.probePath !== undefined && !plan.probePath.startsWith('/')) throw new UserError('LMSLOAD_USAGE', `--probe-path: expected a path starting with '/', got '${plan.probePath}'`)
  if (externalTarget) {
    if (plan.pid === undefined && plan.killCommand === undefined) throw new UserError('LMSLOAD_USAGE', 'drill with --target: say how to kill it, with --kill-command or --pid')
    if (plan.restoreFrom !== undefined) throw new UserError('LMSLOAD_USAGE', '--restore-from: only for the bundled backend; for your own target put the restore in --restart-command')
  } else {
    if (plan.pid !== undefined || plan.killCommand !== undefined || plan.restartCommand !== undefined || plan.verifyCommand !== undefined) {
      throw new UserError('LMSLOAD_USAGE', 'drill on the bundled backend kills, restarts and verifies it itself: --pid, --kill-command, --restart-command and --verify-command need --target')
    }
    if (plan.restoreFrom !== undefined && plan.restoreFrom !== 'pre-run' && !existsSync(plan.restoreFrom)) {
      throw new UserError('LMSLOAD_USAGE', `--restore-from: ${plan.restoreFrom} does not exist (a backup file, or 'pre-run')`)
    }
  }
}

/** Runs a shell command; resolves with its exit code and output (never rejects). */
/**
 * `lmsload drill`: a run during which the target is killed, optionally restored, restarted, and
 * watched until it answers again; then every write it acknowledged is checked. drill.json records
 * the recovery time (RTO) and the lost writes (RPO) as the client saw them.
 */
export async function runDrill(req: RunRequest, plan: DrillPlan, hooks: RunHooks): Promise<DrillOutcome> {
  validateDrill(plan, req.target !== undefined)
  // A kill time outside the planned run is refused before a backend starts or any load is sent.
  killAtMs(plan.killAt, shapeLoad(await importScenario(resolveScenario(req.scenarioFile)), req.shape ?? {}).durationMs)
  const notice = hooks.onNotice ?? (() => {})
  const downForMs = plan.downFor === undefined ? 1000 : parseDurationMs(plan.downFor, '--down-for')
  const recoveryTimeoutMs = plan.recoveryTimeout === undefined ? 120_000 : parseDurationMs(plan.recoveryTimeout, '--recovery-timeout')
  let bundled: BundledBackend | undefined
  let probe: RecoveryProbe | undefined
  let backupFile: string | undefined
  let controller: DrillController | undefined
  let drillDone: Promise<void> = Promise.resolve()
  const problems: string[] = []

  const targetOf = (): DrillTarget => bundled
    ? bundledTarget(bundled, plan.signal ?? 'SIGKILL', () => restoreSource(plan.restoreFrom, () => backupFile))
    : externalTarget(plan.killCommand !== undefined ? { command: plan.killCommand } : { pid: plan.pid!, signal: plan.signal ?? 'SIGKILL' }, plan.restartCommand)
  const sink: EngineSink = {
    start(info: EngineStart) {
      probe!.start(info.startMs)
      controller = new DrillController(targetOf(), { nowMs: () => Date.now(), sleep }, probe!, {
        startMs: info.startMs, killAtMs: killAtMs(plan.killAt, info.durationMs), downForMs, recoveryTimeoutMs, notice,
      })
      drillDone = controller.run().catch((error: Error) => { problems.push(`drill: ${error.message}`) })
    },
    interval(_record: IntervalRecord) {},
    event(_event: EngineEvent) {},
  }

  let drill: DrillJson | undefined
  const outcome = await runScenario(req, {
    ...hooks,
    sink: hooks.sink ? { start: (i) => { sink.start(i); hooks.sink!.start(i) }, interval: (r) => hooks.sink!.interval(r), event: (e) => hooks.sink!.event(e) } : sink,
    async onTarget(target) {
      bundled = target.bundled
      probe = new RecoveryProbe(new URL(plan.probePath ?? (bundled ? '/healthz' : '/'), target.url))
      if (bundled && plan.restoreFrom === 'pre-run') {
        const dir = path.join(bundled.dataDir, 'backups')
        mkdirSync(dir, { recursive: true })
        backupFile = path.join(dir, `drill-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`)
        await bundled.command(['backup', '--to', backupFile])
        notice(`drill: backup taken before the load: ${displayPath(backupFile)}`)
      }
      await hooks.onTarget?.(target)
    },
    async beforeAnalyze(dir) {
      // A run that ends before the kill time (interrupted, or shorter than planned) kills nothing.
      controller?.cancel()
      await drillDone
      await probe?.stop()
      const timeline = controller?.timeline ?? {}
      problems.unshift(...(controller?.problems ?? []))
      if (!timeline.kill) problems.push('the run ended before the kill time: nothing was killed')
      drill = {
        schema: DRILL_SCHEMA,
        kill: timeline.kill ?? { atSec: 0, how: 'not killed' },
        ...(timeline.restore ? { restore: timeline.restore } : {}),
        ...(timeline.restart ? { restart: timeline.restart } : {}),
        ...(timeline.recovered ? { recovered: timeline.recovered } : {}),
        rtoSec: timeline.rtoSec ?? null,
        probe: { url: probe?.url.href ?? '', intervalMs: PROBE_INTERVAL_MS, timeline: probe?.timeline ?? [] },
        problems,
      }
      const writes = await verifyWrites(dir, { bundled, verifyCommand: plan.verifyCommand, killSec: timeline.kill?.atSec ?? 0 }, problems)
      if (writes) drill.writes = writes
      writeDrill(dir, drill)
      await hooks.beforeAnalyze?.(dir)
    },
  })
  const result = drill!
  // A drill fails its gate when the target never came back or an acknowledged write is gone.
  const drillFailed = result.rtoSec === null || (result.writes?.lost ?? 0) > 0
  const exitCode = outcome.exitCode === EXIT.interrupted || outcome.exitCode === EXIT.usage ? outcome.exitCode : drillFailed ? EXIT.gateFailed : outcome.exitCode
  return { ...outcome, exitCode, drill: result }
}
