/** One source's resource readings at one instant, with units in the metric names. */
export interface ResourceSample {
  source: string
  kind: 'prometheus' | 'process' | 'host' | 'generator'
  metrics: Record<string, number>
  /** Per route template (from Prometheus `route` labels): requests_per_s, mean_ms, … */
  routes?: Record<string, Record<string, number>>
  /** In a run merged from shards (`lmsload merge`): the shard (K of --shard K/N) whose machine took the sample. */
  shard?: number
}

/** Something sampled once a second: a /metrics endpoint, a process, the host. */
export interface Sampler {
  readonly source: string
  sample(): Promise<ResourceSample | undefined>
}
