import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { UserError } from '../core/errors.ts'
import { packageModule } from '../core/install.ts'

export const BACKEND_CLI = packageModule('reference-backend/src/cli.ts')
/**
 * The bundled backend `run` starts keeps its data apart from `lmsload backend start`'s, under the
 * current directory like every output (an installed lmsload never writes into node_modules).
 */
export const RUN_BACKEND_DATA_DIR = path.join('.lmsload', 'run-backend')

export interface BundledBackend {
  url: string
  /** The current process (a restart gives a new one). */
  readonly pid: number
  profile: string
  workers: number
  dataDir: string
  /** What the backend printed (shown when it fails). */
  output(): string
  /** Sends a signal to the backend (a drill's kill -9); resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>
  /** Starts it again on the same port and data directory; resolves when it listens. */
  restart(): Promise<void>
  /** Runs one of the backend's own commands (backup, restore, verify-writes) on its data directory. */
  command(args: string[]): Promise<{ stdout: string; stderr: string }>
  stop(): Promise<void>
}

export interface BundledBackendOptions {
  profile?: string
  workers?: number
  dataDir?: string
  startTimeoutMs?: number
}

interface Started {
  child: ChildProcess
  url: string
  exited: Promise<number | string>
  output: () => string
}

function startProcess(args: string[], timeoutMs: number): Promise<Started> {
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => { output += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { output += d.toString() })
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new UserError('LMSLOAD_BACKEND_FAILED', `the bundled backend did not start within ${timeoutMs / 1000} s: ${output.trim().split('\n').pop() ?? ''}`))
    }, timeoutMs)
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve({ child, url: m[1]!, exited, output: () => output })
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      const last = output.trim().split('\n').filter(Boolean).pop() ?? ''
      reject(new UserError('LMSLOAD_BACKEND_FAILED', `the bundled backend exited (${code}) before listening: ${last}`))
    })
  })
}

const run = promisify(execFile)

/** `.lmsload/` in a user's repository holds a database and backups: it ignores itself in git. */
function ignoredByGit(dir: string): void {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, '.gitignore')
  if (!existsSync(file)) writeFileSync(file, '# Written by lmsload: the bundled reference LMS keeps its data here.\n*\n')
}

/**
 * Starts the reference backend as its own process on a free loopback port, seeded on first use
 * (the toolkit and the backend share nothing but HTTP), and waits until it listens.
 */
export async function startBundledBackend(options: BundledBackendOptions = {}): Promise<BundledBackend> {
  const profile = options.profile ?? 'healthy'
  const workers = options.workers ?? 1
  const dataDir = path.resolve(options.dataDir ?? RUN_BACKEND_DATA_DIR)
  if (options.dataDir === undefined) ignoredByGit(path.dirname(dataDir))
  const timeoutMs = options.startTimeoutMs ?? 180_000
  const args = (port: number) => [BACKEND_CLI, 'start', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--profile', profile, '--workers', String(workers)]
  let current = await startProcess(args(0), timeoutMs)
  const port = Number(new URL(current.url).port)
  const alive = () => current.child.exitCode === null && current.child.signalCode === null
  return {
    url: current.url,
    get pid() {
      return current.child.pid!
    },
    profile,
    workers,
    dataDir,
    output: () => current.output(),
    async kill(signal) {
      if (alive()) current.child.kill(signal)
      await current.exited
    },
    async restart() {
      if (alive()) throw new Error('the bundled backend is still running')
      current = await startProcess(args(port), timeoutMs)
    },
    async command(extra) {
      return run(process.execPath, [BACKEND_CLI, ...extra, '--data-dir', dataDir], { env: { ...process.env, DATABASE_URL: '' }, maxBuffer: 64 * 2 ** 20 })
    },
    async stop() {
      if (alive()) current.child.kill('SIGTERM')
      const timer = setTimeout(() => current.child.kill('SIGKILL'), 10_000)
      await current.exited
      clearTimeout(timer)
    },
  }
}
