import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { UserError } from '../core/errors.ts'

const BACKEND_CLI = fileURLToPath(new URL('../../reference-backend/src/cli.ts', import.meta.url))
export const PROJECT_ROOT = path.resolve(path.dirname(BACKEND_CLI), '..', '..')
/** The bundled backend `run` starts keeps its data apart from `lmsload backend start`'s. */
export const RUN_BACKEND_DATA_DIR = path.join(PROJECT_ROOT, '.lmsload', 'run-backend')

export interface BundledBackend {
  url: string
  pid: number
  profile: string
  workers: number
  /** What the backend printed (shown when it fails). */
  output(): string
  stop(): Promise<void>
}

export interface BundledBackendOptions {
  profile?: string
  workers?: number
  dataDir?: string
  startTimeoutMs?: number
}

/**
 * Starts the reference backend as its own process on a free loopback port, seeded on first use
 * (the toolkit and the backend share nothing but HTTP), and waits until it listens.
 */
export async function startBundledBackend(options: BundledBackendOptions = {}): Promise<BundledBackend> {
  const profile = options.profile ?? 'healthy'
  const workers = options.workers ?? 1
  const args = [BACKEND_CLI, 'start', '--port', '0', '--host', '127.0.0.1', '--data-dir', options.dataDir ?? RUN_BACKEND_DATA_DIR, '--profile', profile, '--workers', String(workers)]
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new UserError('LMSLOAD_BACKEND_FAILED', `the bundled backend did not start within ${(options.startTimeoutMs ?? 180_000) / 1000} s: ${output.trim().split('\n').pop() ?? ''}`))
    }, options.startTimeoutMs ?? 180_000)
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      const last = output.trim().split('\n').filter(Boolean).pop() ?? ''
      reject(new UserError('LMSLOAD_BACKEND_FAILED', `the bundled backend exited (${code}) before listening: ${last}`))
    })
  })
  return {
    url,
    pid: child.pid!,
    profile,
    workers,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}
