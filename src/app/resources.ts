import type { ResourceSample, Sampler } from '../record/samplers/index.ts'

export interface ResourceRecorderHooks {
  record(atMs: number, sample: ResourceSample): void
  /** A sampler failed (once per failure streak): an event, never a crash. */
  failed(atMs: number, source: string, message: string): void
}

const PERIOD_MS = 1000

/**
 * Samples every source once a second on the main thread, away from the load workers: a slow or
 * failing scrape delays only its own sample (each is bounded by its timeout), never the load.
 */
export class ResourceRecorder {
  private readonly samplers: Sampler[]
  private readonly hooks: ResourceRecorderHooks
  private readonly failing = new Set<string>()
  private timer: NodeJS.Timeout | undefined
  private inFlight = new Set<string>()
  private running = false

  constructor(samplers: Sampler[], hooks: ResourceRecorderHooks) {
    this.samplers = samplers
    this.hooks = hooks
  }

  start(): void {
    this.running = true
    const tick = () => {
      if (!this.running) return
      this.sampleAll()
      this.timer = setTimeout(tick, PERIOD_MS - (Date.now() % PERIOD_MS))
    }
    tick()
  }

  private sampleAll(): void {
    for (const sampler of this.samplers) {
      // A sampler still busy with the previous second is skipped, not queued behind.
      if (this.inFlight.has(sampler.source)) continue
      this.inFlight.add(sampler.source)
      const at = Date.now()
      sampler.sample().then(
        (sample) => {
          this.failing.delete(sampler.source)
          if (sample && this.running) this.hooks.record(at, sample)
        },
        (error: Error) => {
          if (!this.failing.has(sampler.source) && this.running) this.hooks.failed(at, sampler.source, error.message)
          this.failing.add(sampler.source)
        },
      ).catch(() => {
        // recording the sample failed (the run directory's disk): the writer stops the run
      }).finally(() => this.inFlight.delete(sampler.source))
    }
  }

  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
  }
}
