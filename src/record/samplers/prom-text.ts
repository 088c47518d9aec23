// The Prometheus text exposition format (0.0.4), read into flat samples. Written here because
// parse-prometheus-text-format 1.1 drops the labels, _sum and _count of histograms.

export interface PromSample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g

function unescape(value: string): string {
  return value.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity
  if (text === '-Inf') return -Infinity
  return Number(text)
}

export function parsePromText(text: string): PromSample[] {
  const samples: PromSample[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line[0] === '#') continue
    const m = LINE.exec(line)
    if (!m) continue
    const labels: Record<string, string> = {}
    if (m[2]) for (const l of m[2].matchAll(LABEL)) labels[l[1]!] = unescape(l[2]!)
    const value = parseValue(m[3]!)
    if (!Number.isNaN(value)) samples.push({ name: m[1]!, labels, value })
  }
  return samples
}

/** Sum of samples named `name` whose labels include `match`. */
export function sumOf(samples: readonly PromSample[], name: string, match?: Record<string, string>): number | undefined {
  let total: number | undefined
  for (const s of samples) {
    if (s.name !== name) continue
    if (match && !Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue
    total = (total ?? 0) + s.value
  }
  return total
}

/** Sums of samples named `name`, grouped by the value of `label`. */
export function sumBy(samples: readonly PromSample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const s of samples) {
    if (s.name !== name) continue
    const key = s.labels[label]
    if (key === undefined) continue
    out.set(key, (out.get(key) ?? 0) + s.value)
  }
  return out
}
