// Reads the Prometheus text exposition format into samples, enough for assertions in tests.
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export function parseProm(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!
    samples.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return samples
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sum(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0)
}

export function families(text: string): Set<string> {
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!))
}

/** Mean of a histogram (sum/count) over matching series, or 0 without observations. */
export function histogramMean(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  const count = sum(samples, `${name}_count`, match)
  return count === 0 ? 0 : sum(samples, `${name}_sum`, match) / count
}
