// Number formatting shared by every writer, so the console, Markdown, JUnit and HTML say the same.
import type { Analysis, RuleResult } from '../analyze/analysis.ts'

/** Milliseconds for people: `0.8 ms`, `31 ms`, `1.25 s`; `–` when there is no value. */
export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`
  if (v >= 10) return `${Math.round(v)} ms`
  return `${v.toFixed(1)} ms`
}

/** A ratio as a percentage: 0.0123 → `1.23 %`. */
export function pct(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  return `${(100 * v).toFixed(digits)} %`
}

export function count(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  return Math.round(v).toLocaleString('en-US')
}

export function rate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)
}

export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let i = 0
  let x = v
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024
    i++
  }
  return `${i === 0 ? Math.round(x) : x.toFixed(1)} ${units[i]}`
}

/** A budget's measured value in its own unit. */
export function measured(value: number | null, unit: 'ms' | 'ratio' | 'per_s' | 'count'): string {
  if (value === null) return 'no data'
  if (unit === 'ms') return ms(value)
  if (unit === 'ratio') return pct(value)
  if (unit === 'per_s') return `${rate(value)}/s`
  return count(value)
}

/** Signed share: +12.3 % / −4.0 %. */
export function signedPct(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–'
  const s = (100 * v).toFixed(digits)
  return v > 0 ? `+${s} %` : v < 0 ? `−${s.slice(1)} %` : `${s} %`
}

export function duration(sec: number): string {
  if (sec < 120) return `${Math.round(sec)} s`
  if (sec < 7200) return `${Math.floor(sec / 60)} min ${Math.round(sec % 60)} s`
  return `${Math.floor(sec / 3600)} h ${Math.round((sec % 3600) / 60)} min`
}

/** The rules that could not judge the run (an analysis.json from before rule results lists none). */
export function notEvaluated(a: Analysis): Array<Extract<RuleResult, { status: 'not-evaluated' }>> {
  return (a.rules ?? []).filter((r): r is Extract<RuleResult, { status: 'not-evaluated' }> => r.status === 'not-evaluated')
}
