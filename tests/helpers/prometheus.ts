// A real Prometheus server (Debian's `prometheus`, installed by scripts/ensure-test-deps.sh) on
// 127.0.0.1 with its remote-write receiver enabled, in a throwaway data directory.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface TestPrometheus {
  url: string
  /** The remote-write endpoint. */
  writeUrl: string
  /** An instant PromQL query at `atSec` (epoch seconds); the first result's value, or null without one. */
  query(promql: string, atSec?: number): Promise<number | null>
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

const BINARY = '/usr/bin/prometheus'

export async function startPrometheus(): Promise<TestPrometheus> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: install the Debian package prometheus (bash scripts/ensure-test-deps.sh does)`)
  const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-prometheus-'))
  writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n')
  const port = await freePort()
  const child: ChildProcess = spawn(BINARY, [
    `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver',
  ], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 30_000
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break
    } catch {}
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`prometheus did not become ready on ${url}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  let stopped = false
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    async query(promql, atSec) {
      const params = new URLSearchParams({ query: promql, ...(atSec !== undefined ? { time: String(atSec) } : {}) })
      const body = (await (await fetch(`${url}/api/v1/query?${params}`)).json()) as { data: { result: Array<{ value: [number, string] }> } }
      const first = body.data.result[0]
      return first ? Number(first.value[1]) : null
    },
    async stop() {
      if (stopped) return
      stopped = true
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGKILL')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
