// Shared helpers for engine benchmarks: a trivial target in its own process, a scenario written
// to a temporary file, and numbers read back from the run directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface Target {
  url: string
  pid: number
  stop(): void
}

/** Starts bench/trivial-server.ts, pinned to one core with taskset when available; HTTPS with the key and certificate in `tlsDir`. */
export async function startTrivialServer(core?: number, tlsDir?: string): Promise<Target> {
  const target = await startServer('trivial-server.ts', core, tlsDir ? ['--tls', tlsDir] : [])
  return tlsDir ? { ...target, url: target.url.replace('http:', 'https:') } : target
}

/** A self-signed certificate for 127.0.0.1 (openssl), valid for a day: for HTTPS benchmarks only. */
export function selfSignedCertificate(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-bench-tls-'))
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`openssl could not make a certificate: ${r.stderr.trim()}`)
  return dir
}

/** Starts a bench server script (it prints `listening <port>`), pinned to `core` with taskset. */
export async function startServer(name: string, core?: number, extra: string[] = []): Promise<Target> {
  const script = fileURLToPath(new URL(`./${name}`, import.meta.url))
  const args = core === undefined ? [process.execPath, script, ...extra] : ['taskset', '-c', String(core), process.execPath, script, ...extra]
  const child: ChildProcess = spawn(args[0]!, args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString())
      if (m) resolve(Number(m[1]))
    })
    child.on('exit', (code) => reject(new Error(`server exited ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGKILL') }
}

export function scenarioFile(source: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-bench-'))
  const file = path.join(dir, 'bench.ts')
  writeFileSync(file, source)
  return file
}

export function runDir(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-bench-run-')), 'run')
}

/** Peak resident memory of this process so far (VmHWM), in bytes. */
export function peakRssBytes(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
  return Number(m?.[1] ?? 0) * 1024
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`
}
