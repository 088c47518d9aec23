// What a drill does to its target, behind one interface: the bundled backend (signalled, restored
// from a backup, started again on its port), or an external target (a signal to a pid or a kill
// command, and an optional restart command).
import { spawn } from 'node:child_process'
import path from 'node:path'
import { displayPath } from '../../core/paths.ts'
import type { BundledBackend } from '../bundled-backend.ts'

/** The outcome of one action on the target: what was done, in words, and what went wrong. */
export interface TargetAction {
  how: string
  problem?: string
  /** False when the action did not take place (a restart that failed): nothing to record but the problem. */
  happened?: boolean
}

export interface DrillTarget {
  kill(): Promise<TargetAction>
  /** Restores the target's data before the restart, when the drill asked for it and the target can. */
  restore?(): Promise<TargetAction | undefined>
  /** Starts the target again; undefined when the drill waits for it to come back by itself. */
  restart(): Promise<TargetAction | undefined>
}

export function shell(command: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
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

const lastLine = (text: string) => text.trim().split('\n').pop() ?? ''

/** The bundled backend: `restoreFrom()` names the backup to restore (undefined: no restore). */
export function bundledTarget(bundled: BundledBackend, signal: NodeJS.Signals, restoreFrom: () => string | undefined): DrillTarget {
  return {
    async kill() {
      await bundled.kill(signal)
      return { how: `${signal} to the bundled backend (pid ${bundled.pid})` }
    },
    async restore() {
      const from = restoreFrom()
      if (!from) return undefined
      try {
        await bundled.command(['restore', '--from', from])
        return { how: `restore from ${displayPath(from)}` }
      } catch (error) {
        return { how: `restore from ${displayPath(from)}`, happened: false, problem: `restore from ${displayPath(from)} failed: ${lastLine((error as { stderr?: string }).stderr ?? (error as Error).message)}` }
      }
    },
    async restart() {
      try {
        await bundled.restart()
        return { how: 'the bundled backend started again on the same port' }
      } catch (error) {
        return { how: 'the bundled backend started again on the same port', happened: false, problem: `the bundled backend did not start again: ${(error as Error).message}` }
      }
    },
  }
}

/** An external target, killed by a command or a signal to a pid, restarted by a command (or not at all). */
export function externalTarget(kill: { command: string } | { pid: number; signal: NodeJS.Signals }, restartCommand: string | undefined): DrillTarget {
  return {
    async kill() {
      if ('command' in kill) {
        const r = await shell(kill.command)
        return { how: `command: ${kill.command}`, ...(r.code !== 0 ? { problem: `--kill-command exited with ${r.code}: ${lastLine(r.stderr)}` } : {}) }
      }
      const how = `${kill.signal} to pid ${kill.pid}`
      try {
        process.kill(kill.pid, kill.signal)
        return { how }
      } catch (error) {
        return { how, problem: `--pid ${kill.pid}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }
      }
    },
    async restart() {
      if (restartCommand === undefined) return undefined
      const problem = await launch(restartCommand)
      return { how: `command: ${restartCommand}`, ...(problem ? { problem } : {}) }
    },
  }
}

/** `--restore-from`: `pre-run` (the backup taken as the load started) or a file. */
export function restoreSource(restoreFrom: string | undefined, preRunBackup: () => string | undefined): string | undefined {
  if (restoreFrom === undefined) return undefined
  return restoreFrom === 'pre-run' ? preRunBackup() : path.resolve(restoreFrom)
}
