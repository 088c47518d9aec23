import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'

/** This thread's CPU time (process.threadCpuUsage, Node ≥ 23.9), or undefined on an older Node. */
function threadCpu(): NodeJS.CpuUsage | undefined {
  return typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : undefined
}

/** Samples this thread's event-loop delay, utilisation and CPU once per call (per second). */
export class SelfMonitor {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 })
  private elu: EventLoopUtilization = performance.eventLoopUtilization()
  private cpu = threadCpu()
  private at = performance.now()

  constructor() {
    this.delay.enable()
  }

  sample(): { elu: number; lagP99Ms: number; lagMaxMs: number; cpuRatio: number; heapUsedBytes: number } {
    const now = performance.now()
    const elu = performance.eventLoopUtilization(this.elu)
    this.elu = performance.eventLoopUtilization()
    const current = threadCpu()
    const elapsedUs = Math.max(1, (now - this.at) * 1000)
    // Without a thread CPU clock (Node < 23.9), the event loop's busy share stands in for it.
    const cpuRatio = current === undefined || this.cpu === undefined ? elu.utilization : (current.user - this.cpu.user + current.system - this.cpu.system) / elapsedUs
    this.cpu = current
    this.at = now
    // monitorEventLoopDelay reports the delay beyond its own 10 ms sampling resolution in ns.
    const lagP99Ms = this.delay.count > 0 ? Math.max(0, this.delay.percentile(99) / 1e6 - 10) : 0
    const lagMaxMs = this.delay.count > 0 ? Math.max(0, this.delay.max / 1e6 - 10) : 0
    this.delay.reset()
    return { elu: elu.utilization, lagP99Ms, lagMaxMs, cpuRatio, heapUsedBytes: getHeapStatistics().used_heap_size }
  }

  stop(): void {
    this.delay.disable()
  }
}
