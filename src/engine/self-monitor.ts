import { monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks'
import { getHeapStatistics } from 'node:v8'

/** Samples this thread's event-loop delay, utilisation and CPU once per call (per second). */
export class SelfMonitor {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 })
  private elu: EventLoopUtilization = performance.eventLoopUtilization()
  private cpu = process.threadCpuUsage()
  private at = performance.now()

  constructor() {
    this.delay.enable()
  }

  sample(): { elu: number; lagP99Ms: number; lagMaxMs: number; cpuRatio: number; heapUsedBytes: number } {
    const now = performance.now()
    const elu = performance.eventLoopUtilization(this.elu)
    this.elu = performance.eventLoopUtilization()
    const cpu = process.threadCpuUsage(this.cpu)
    this.cpu = process.threadCpuUsage()
    const elapsedUs = Math.max(1, (now - this.at) * 1000)
    this.at = now
    // monitorEventLoopDelay reports the delay beyond its own 10 ms sampling resolution in ns.
    const lagP99Ms = this.delay.count > 0 ? Math.max(0, this.delay.percentile(99) / 1e6 - 10) : 0
    const lagMaxMs = this.delay.count > 0 ? Math.max(0, this.delay.max / 1e6 - 10) : 0
    this.delay.reset()
    return { elu: elu.utilization, lagP99Ms, lagMaxMs, cpuRatio: (cpu.user + cpu.system) / elapsedUs, heapUsedBytes: getHeapStatistics().used_heap_size }
  }

  stop(): void {
    this.delay.disable()
  }
}
