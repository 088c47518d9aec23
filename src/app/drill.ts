import { spawn } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { request } from 'undici'
import { EXIT, UserError } from '../core/errors.ts'
import { displayPath } from '../core/paths.ts'
import { parseDurationMs } from '../core/units.ts'
import type { EngineEvent, EngineSink, EngineStart, IntervalRecord } from '../metrics/interval.ts'
import { DRILL_SCHEMA, type DrillJson, type DrillMoment, type DrillWrites } from '../record/layout/drill-json.ts'
import { acknowledgedWrites, writeAcknowledgedWrites, writeDrill } from '../record/layout/side-files.ts'
import type { BundledBackend } from './bundled-backend.ts'
import { resolveScenario } from './scenarios.ts'
import { importScenario } from '../engine/load-scenario.ts'
import { shapeLoad } from '../scenario/shape.ts'
import { runScenario, type RunHooks, type RunOutcome, type RunRequest } from './run.ts'

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

const PROBE_INTERVAL_MS = 100
export const PROBE_TIMEOUT_MS = 1000
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
function shell(command: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    child.on('error', (e) => resolve({ code: null, stdout, stderr: stderr + e.message }))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}

/** Starts a long-lived command (the target's own server) and lets it live on after lmsload. */
function launch(command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: 'ignore', detached: true })
    child.on('error', (e) => resolve(`--restart-command failed to start: ${e.message}`))
    // A command that ends at once with an error (a typo) is a problem; one that keeps running is the server.
    const timer = setTimeout(() => {
      child.unref()
      resolve(undefined)
    }, 500)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve(code === 0 ? undefined : `--restart-command exited with ${code}`)
    })
  })
}

const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

/** The probe: one GET every 100 ms from the load's start to its end, answered = any status below 500. */
class RecoveryProbe {
  readonly timeline: Array<[number, 0 | 1]> = []
  private running = true
  private loop: Promise<void> | undefined
  readonly url: URL
  private startMs = 0
  private waiters: Array<{ afterMs: number; resolve: (atMs: number) => void }> = []

  constructor(url: URL) {
    this.url = url
  }

  start(startMs: number): void {
    this.startMs = startMs
    this.loop = this.run()
  }

  private async run(): Promise<void> {
    while (this.running) {
      const at = Date.now()
      let ok: 0 | 1 = 0
      try {
        const res = await request(this.url, { headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS, reset: true })
        await res.body.dump()
        ok = res.statusCode < 500 ? 1 : 0
      } catch {
        ok = 0
      }
      this.timeline.push([Math.round(at - this.startMs) / 1000, ok])
      if (ok) {
        for (const w of this.waiters.filter((x) => at >= x.afterMs)) w.resolve(at)
        this.waiters = this.waiters.filter((x) => at < x.afterMs)
      }
      await sleep(Math.max(0, PROBE_INTERVAL_MS - (Date.now() - at)))
    }
  }

  /** Resolves at the first answered probe sent after `afterMs`, or undefined after the timeout. */
  answeredAfter(afterMs: number, timeoutMs: number): Promise<number | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutMs)
      this.waiters.push({ afterMs, resolve: (at) => { clearTimeout(timer); resolve(at) } })
    })
  }

  async stop(): Promise<void> {
    this.running = false
    await this.loop
  }
}

function parseVerifierOutput(stdout: string): { checked: number; lost: DrillWrites['lostSample']; unknownKinds?: string[] } {
  const last = stdout.trim().split('\n').pop() ?? ''
  const parsed = JSON.parse(last) as { checked?: unknown; lost?: unknown; unknownKinds?: unknown }
  if (typeof parsed.checked !== 'number' || !Array.isArray(parsed.lost)) throw new Error('expected {"checked": <number>, "lost": [...]} as the last line')
  return { checked: parsed.checked, lost: parsed.lost as DrillWrites['lostSample'], unknownKinds: Array.isArray(parsed.unknownKinds) ? parsed.unknownKinds as string[] : undefined }
}

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
  const problems: string[] = []
  let bundled: BundledBackend | undefined
  let probe: RecoveryProbe | undefined
  let startMs = 0
  let backupFile: string | undefined
  const record: Partial<DrillJson> & { kill?: DrillMoment } = {}
  let drillDone: Promise<void> = Promise.resolve()
  const secondsOf = (atMs: number) => Math.round(atMs - startMs) / 1000
  const moment = (action: string, atMs: number, detail?: string) => {
    notice(`drill: ${action} at ${secondsOf(atMs).toFixed(1)} s${detail ? ` (${detail})` : ''}`)
  }

  // A run that ends before the kill time (interrupted, or shorter than planned) kills nothing.
  const cancel = new AbortController()
  const act = async (plannedMs: number) => {
    const killMs = killAtMs(plan.killAt, plannedMs)
    await sleep(Math.max(0, startMs + killMs - Date.now()), cancel.signal)
    if (cancel.signal.aborted) return
    const killedAt = Date.now()
    let how: string
    if (bundled) {
      const signal = plan.signal ?? 'SIGKILL'
      how = `${signal} to the bundled backend (pid ${bundled.pid})`
      await bundled.kill(signal)
    } else if (plan.killCommand !== undefined) {
      how = `command: ${plan.killCommand}`
      const r = await shell(plan.killCommand)
      if (r.code !== 0) problems.push(`--kill-command exited with ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`)
    } else {
      const signal = plan.signal ?? 'SIGKILL'
      how = `${signal} to pid ${plan.pid}`
      try {
        process.kill(plan.pid!, signal)
      } catch (error) {
        problems.push(`--pid ${plan.pid}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
      }
    }
    record.kill = { atSec: secondsOf(killedAt), how }
    moment('kill', killedAt, how)
    await sleep(downForMs)
    if (bundled) {
      if (plan.restoreFrom !== undefined) {
        const from = plan.restoreFrom === 'pre-run' ? backupFile : path.resolve(plan.restoreFrom)
        if (from) {
          const t0 = Date.now()
          try {
            await bundled.command(['restore', '--from', from])
            record.restore = { atSec: secondsOf(t0), how: `restore from ${displayPath(from)}`, durationSec: (Date.now() - t0) / 1000 }
            moment('restore', t0, displayPath(from))
          } catch (error) {
            problems.push(`restore from ${displayPath(from)} failed: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').pop()}`)
          }
        }
      }
      const t0 = Date.now()
      try {
        await bundled.restart()
        record.restart = { atSec: secondsOf(t0), how: 'the bundled backend started again on the same port' }
        moment('restart', t0)
      } catch (error) {
        problems.push(`the bundled backend did not start again: ${(error as Error).message}`)
      }
    } else if (plan.restartCommand !== undefined) {
      const t0 = Date.now()
      const problem = await launch(plan.restartCommand)
      if (problem) problems.push(problem)
      record.restart = { atSec: secondsOf(t0), how: `command: ${plan.restartCommand}` }
      moment('restart', t0, plan.restartCommand)
    }
    const answered = await probe!.answeredAfter(killedAt, recoveryTimeoutMs)
    if (answered !== undefined) {
      record.recovered = { atSec: secondsOf(answered) }
      record.rtoSec = Math.round(answered - killedAt) / 1000
      moment('recovered', answered, `RTO ${record.rtoSec.toFixed(1)} s`)
    } else {
      record.rtoSec = null
      problems.push(`the target did not answer ${probe ? 'the probe' : ''} within ${recoveryTimeoutMs / 1000} s of the kill`)
    }
  }

  const sink: EngineSink = {
    start(info: EngineStart) {
      startMs = info.startMs
      probe!.start(startMs)
      drillDone = act(info.durationMs).catch((error: Error) => { problems.push(`drill: ${error.message}`) })
    },
    interval(_record: IntervalRecord) {},
    event(_event: EngineEvent) {},
  }

  const verify = async (dir: string): Promise<DrillWrites | undefined> => {
    const writes = acknowledgedWrites(dir, [])
    const file = writeAcknowledgedWrites(dir, writes)
    if (writes.length === 0 && !plan.verifyCommand) return undefined
    let verifier: string
    let stdout: string
    try {
      if (bundled) {
        verifier = 'reference-backend'
        stdout = (await bundled.command(['verify-writes', '--writes', file])).stdout
      } else if (plan.verifyCommand !== undefined) {
        verifier = `command: ${plan.verifyCommand}`
        const r = await shell(plan.verifyCommand, { LMSLOAD_WRITES: file })
        if (r.code !== 0) throw new Error(`exited with ${r.code}: ${r.stderr.trim().split('\n').pop() ?? ''}`)
        stdout = r.stdout
      } else {
        problems.push(`${writes.length} acknowledged writes were not checked: pass --verify-command to check them on your target`)
        return undefined
      }
      const result = parseVerifierOutput(stdout)
      if (result.unknownKinds?.length) problems.push(`the verifier could not check writes of kind ${result.unknownKinds.join(', ')}`)
      const killSec = record.kill?.atSec ?? 0
      const earliestLost = result.lost.reduce((m, w) => Math.min(m, w.t), Number.POSITIVE_INFINITY)
      return {
        verifier, acknowledged: writes.length, checked: result.checked, lost: result.lost.length,
        lostSample: result.lost.slice(0, 20),
        rpoSec: result.lost.length ? Math.max(0, Number((killSec - earliestLost).toFixed(3))) : 0,
      }
    } catch (error) {
      problems.push(`verifying acknowledged writes failed: ${((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n').pop()}`)
      return undefined
    }
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
      if (!record.kill) cancel.abort()
      await drillDone
      await probe?.stop()
      if (!record.kill) problems.push('the run ended before the kill time: nothing was killed')
      drill = {
        schema: DRILL_SCHEMA,
        kill: record.kill ?? { atSec: 0, how: 'not killed' },
        ...(record.restore ? { restore: record.restore } : {}),
        ...(record.restart ? { restart: record.restart } : {}),
        ...(record.recovered ? { recovered: record.recovered } : {}),
        rtoSec: record.rtoSec ?? null,
        probe: { url: probe?.url.href ?? '', intervalMs: PROBE_INTERVAL_MS, timeline: probe?.timeline ?? [] },
        problems,
      }
      const writes = await verify(dir)
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
