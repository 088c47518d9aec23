import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import type { ResourceSample, Sampler } from './index.ts'

let clockTicks: number | undefined
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

const PAGE_BYTES = 4096

interface ProcStat {
  cpuTicks: number
  threads: number
  rssBytes: number
}

function readStat(pid: number): ProcStat {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // Fields after the command name, which may itself contain spaces and parentheses.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
  return { cpuTicks: Number(f[11]) + Number(f[12]), threads: Number(f[17]), rssBytes: Number(f[21]) * PAGE_BYTES }
}

function children(pid: number): number[] {
  const out: number[] = []
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim()
      if (list) out.push(...list.split(' ').map(Number))
    }
  } catch {
    // the process is gone, or children are not exposed: sample what we can
  }
  return out
}

/** The process and all its descendants (cluster workers, worker processes). */
function tree(pid: number): number[] {
  const all = [pid]
  for (let i = 0; i < all.length && all.length < 256; i++) all.push(...children(all[i]!))
  return all
}

/**
 * The main thread's time on a CPU and waiting for one (run queue), in ns since it started, from
 * /proc/<pid>/schedstat (the thread-group leader's line; Linux with schedstats/sched_info, as
 * Debian's and most distributions' kernels are built), or undefined where the file is missing.
 * For Node the main thread is the event loop's: a loop that lags while its thread waited for a CPU
 * was starved, not blocked.
 */
function readSchedstat(pid: number): { runNs: number; waitNs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(' ').map(Number)
    return run === undefined || wait === undefined || !Number.isFinite(run + wait) ? undefined : { runNs: run, waitNs: wait }
  } catch {
    return undefined
  }
}

function readIo(pid: number): { read: number; write: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8')
    const get = (key: string) => Number(new RegExp(`^${key}: (\\d+)`, 'm').exec(text)?.[1] ?? 0)
    return { read: get('read_bytes'), write: get('write_bytes') }
  } catch {
    return undefined
  }
}

function countFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length
  } catch {
    return 0
  }
}

/** A local process (and its children) from /proc: for any LMS, with or without /metrics. */
export class ProcessSampler implements Sampler {
  readonly source: string
  private readonly pid: () => number
  private readonly withChildren: boolean
  private previous: { at: number; cpuTicks: number; read: number; write: number; root: number; main: { runNs: number; waitNs: number } | undefined } | undefined

  /** `withChildren: false` for the generator itself, whose child may be the bundled backend. */
  /** `pid` may be a function: a target restarted during a drill is followed to its new process. */
  constructor(pid: number | (() => number), source = `process:${typeof pid === 'number' ? pid : pid()}`, withChildren = true) {
    this.pid = typeof pid === 'number' ? () => pid : pid
    this.source = source
    this.withChildren = withChildren
  }

  async sample(): Promise<ResourceSample | undefined> {
    const at = performance.now()
    let cpuTicks = 0
    let threads = 0
    let rssBytes = 0
    let fds = 0
    let read = 0
    let write = 0
    let processes = 0
    const root = this.pid()
    for (const pid of this.withChildren ? tree(root) : [root]) {
      try {
        const s = readStat(pid)
        cpuTicks += s.cpuTicks
        threads += s.threads
        rssBytes += s.rssBytes
        fds += countFds(pid)
        const io = readIo(pid)
        read += io?.read ?? 0
        write += io?.write ?? 0
        processes++
      } catch {
        // a child exited between listing and reading
      }
    }
    if (processes === 0) throw new Error(`process ${root} is gone`)
    const main = readSchedstat(root)
    const metrics: Record<string, number> = { rss_bytes: rssBytes, threads, open_fds: fds, processes }
    // A new process (restarted target) starts its CPU count from zero: no ratio across the change.
    const prev = this.previous?.root === root ? this.previous : undefined
    if (prev) {
      const seconds = (at - prev.at) / 1000
      metrics.cpu_ratio = (cpuTicks - prev.cpuTicks) / ticksPerSecond() / seconds
      metrics.read_bytes_per_s = Math.max(0, read - prev.read) / seconds
      metrics.write_bytes_per_s = Math.max(0, write - prev.write) / seconds
      if (main && prev.main) {
        metrics.main_thread_cpu_ratio = (main.runNs - prev.main.runNs) / 1e9 / seconds
        metrics.main_thread_wait_ratio = (main.waitNs - prev.main.waitNs) / 1e9 / seconds
      }
    }
    this.previous = { at, cpuTicks, read, write, root, main }
    return { source: this.source, kind: 'process', metrics }
  }
}

/** Microseconds some task waited for a CPU since boot (PSI, Linux 4.20+), or undefined without PSI. */
function cpuPressureUs(): number | undefined {
  try {
    const some = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))
    return some ? Number(some[1]) : undefined
  } catch {
    return undefined
  }
}

/** The machine: CPU busy share over all cores, steal, CPU pressure, memory, network bytes (loopback included). */
export class HostSampler implements Sampler {
  readonly source = 'host'
  private previous: { at: number; busy: number; total: number; rx: number; tx: number; steal: number; pressureUs: number | undefined } | undefined

  async sample(): Promise<ResourceSample | undefined> {
    const at = performance.now()
    const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const idle = cpuLine[3]! + (cpuLine[4] ?? 0)
    const total = cpuLine.reduce((a, b) => a + b, 0)
    // Time the hypervisor gave this machine's CPUs to other guests: a noisy neighbour slows everything.
    const steal = cpuLine[7] ?? 0
    const pressureUs = cpuPressureUs()
    const mem = readFileSync('/proc/meminfo', 'utf8')
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(mem)?.[1] ?? 0) * 1024
    let rx = 0
    let tx = 0
    for (const line of readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2)) {
      const parts = line.trim().split(/[:\s]+/)
      if (parts.length < 10) continue
      rx += Number(parts[1])
      tx += Number(parts[9])
    }
    const metrics: Record<string, number> = {
      cores: cpuLine.length > 0 ? readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d/.test(l)).length : 0,
      mem_total_bytes: kb('MemTotal'),
      mem_used_bytes: kb('MemTotal') - kb('MemAvailable'),
    }
    const prev = this.previous
    if (prev) {
      const seconds = (at - prev.at) / 1000
      const dt = total - prev.total
      metrics.cpu_ratio = dt > 0 ? (total - idle - prev.busy) / dt : 0
      metrics.steal_ratio = dt > 0 ? (steal - prev.steal) / dt : 0
      // Share of the second in which at least one runnable task waited for a CPU.
      if (pressureUs !== undefined && prev.pressureUs !== undefined) metrics.cpu_pressure_ratio = Math.min(1, (pressureUs - prev.pressureUs) / 1e6 / seconds)
      metrics.net_rx_bytes_per_s = (rx - prev.rx) / seconds
      metrics.net_tx_bytes_per_s = (tx - prev.tx) / seconds
    }
    this.previous = { at, busy: total - idle, total, rx, tx, steal, pressureUs }
    return { source: this.source, kind: 'host', metrics }
  }
}
