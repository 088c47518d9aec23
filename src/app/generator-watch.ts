import { busyRun, generatorBusy, SATURATED_SECONDS } from '../analyze/generator.ts'
import type { EngineEvent, EngineSink, IntervalRecord } from '../metrics/interval.ts'

/**
 * Watches each second's load workers with the analyzer's own rule (analyze/generator.ts) and, the
 * first time the generator saturates, records a `generator-saturated` event: the run's result and
 * live progress then say what analysis.json will say.
 */
export class GeneratorWatch implements EngineSink {
  private run = 0
  saturated = false
  private readonly emit: (event: EngineEvent) => void

  constructor(emit: (event: EngineEvent) => void) {
    this.emit = emit
  }

  start(): void {}

  interval(record: IntervalRecord): void {
    this.run = busyRun(this.run, generatorBusy(record.generator.workers))
    if (this.run === SATURATED_SECONDS && !this.saturated) {
      this.saturated = true
      const worst = record.generator.workers.filter(Boolean).map((w) => `elu ${w.elu.toFixed(2)}, lag p99 ${w.lagP99Ms.toFixed(0)} ms`).join('; ')
      this.emit({ type: 'generator-saturated', atMs: record.startMs, fromSecond: record.second - SATURATED_SECONDS + 1, detail: worst })
    }
  }

  event(): void {}
}
