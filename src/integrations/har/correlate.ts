// Stage 2 of `lmsload record har` (correlate): values a request sends that an earlier response
// handed out are read back from that response (a JSON path, or a regular expression over an HTML
// or text page, as JMeter's extractors do) instead of being replayed as recorded.
import type { Call } from './calls.ts'

/** A value the server handed out, and where it was: response `r`, JSON path `path`. */
interface Source {
  call: number
  path: string
}

export function identifier(text: string): string {
  const camel = text.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))
  return /^[A-Za-z_]/.test(camel) ? camel : `v${camel}`
}

export /** Every scalar in a JSON value with its accessor path, for correlation. */
function walk(value: unknown, path: string, out: Array<{ path: string; key: string; value: string | number }>, depth = 0): void {
  if (depth > 8 || out.length > 5000) return
  if (Array.isArray(value)) value.slice(0, 200).forEach((v, i) => walk(v, `${path}[${i}]`, out, depth + 1))
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`, out, depth + 1)
  } else if (typeof value === 'string' || typeof value === 'number') {
    const key = path.slice(Math.max(path.lastIndexOf('.'), path.lastIndexOf('[')) + 1).replace(/\W/g, '')
    out.push({ path, key, value })
  }
}

export /** Whether a recorded value is worth tracing back to a response: an id, a token, not a common word. */
function correlatable(value: string | number, key: string): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && /(^id$|Id$|_id$)/.test(key)
  return value.length >= 8 && !/^(true|false|null|undefined)$/i.test(value) && !/\s/.test(value)
}

/**
 * The text just before a value that names it: from a delimiter on, and at least 8 characters
 * (`"sesskey":"`, `name="sesskey" value="`), so the expression finds this value and not the one
 * before it.
 */
function leftContext(window: string): string {
  const delimiters = /[,{;\s&?<>(]/g
  const starts = [0, ...[...window.matchAll(delimiters)].map((m) => m.index! + 1)]
  for (let i = starts.length - 1; i >= 0; i--) if (window.length - starts[i]! >= 8) return window.slice(starts[i])
  return window
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')

export class Correlator {
  /** Where each value a response handed out was last seen: `${typeof}:${value}` → source. */
  readonly seen = new Map<string, Source>()
  /** Responses a later request reads from (their parsed body is declared). */
  readonly used = new Set<number>()
  /** Values no earlier response handed out, kept as named constants. */
  readonly constants = new Map<string, string | number>()
  /** Per response index: the regular-expression extractions declared after it. */
  readonly extracts = new Map<number, string[]>()
  private readonly extracted = new Map<string, string>()
  correlations = 0

  private readonly calls: readonly Call[]

  constructor(calls: readonly Call[]) {
    this.calls = calls
  }

  /** The expression that reads `value` from the most recent earlier response that carried it. */
  private sourceOf(value: string | number, before: number): string | undefined {
    const s = this.seen.get(`${typeof value}:${value}`)
    if (!s || s.call >= before) return undefined
    this.used.add(s.call)
    this.correlations++
    return `d${s.call}${s.path}`
  }

  constantFor(name: string, value: string | number): string {
    let key = identifier(name)
    while (this.constants.has(key) && this.constants.get(key) !== value) key = `${key}_`
    this.constants.set(key, value)
    return `RECORDED.${key}`
  }

  /**
   * A value found in an earlier page's HTML or text: read back with a regular expression built from
   * the text around it, declared once after that response.
   */
  private fromText(value: string, before: number, key: string): string | undefined {
    const known = this.extracted.get(value)
    if (known) return known
    for (let i = before - 1; i >= 0; i--) {
      const text = this.calls[i]!.text
      const at = text?.indexOf(value) ?? -1
      if (!text || at < 0) continue
      const left = leftContext(text.slice(Math.max(0, at - 48), at).split(/[\r\n]/).pop()!)
      const after = text[at + value.length]
      if (left.length < 4 || after === undefined) continue
      let name = identifier(key || 'value')
      while ([...this.extracted.values()].includes(name)) name = `${name}_`
      const pattern = `${escapeRegex(left)}([^${escapeRegex(after)}\\s]+)`
      const list = this.extracts.get(i) ?? []
      list.push(`  const ${name} = /${pattern}/.exec(r${i}.body)?.[1] ?? ''`)
      this.extracts.set(i, list)
      this.extracted.set(value, name)
      this.correlations++
      return name
    }
    return undefined
  }

  expression(value: unknown, before: number, key: string): string | undefined {
    if ((typeof value === 'string' || typeof value === 'number') && correlatable(value, key)) {
      return this.sourceOf(value, before) ?? (typeof value === 'string' ? this.fromText(value, before, key) : undefined)
    }
    return undefined
  }

  /** A JSON body with correlated values replaced by expressions. */
  bodyCode(value: unknown, before: number, key: string, indent: string): string {
    const e = this.expression(value, before, key)
    if (e) return e
    if (Array.isArray(value)) return `[${value.map((v) => this.bodyCode(v, before, key, indent)).join(', ')}]`
    if (value !== null && typeof value === 'object') {
      const inner = Object.entries(value).map(([k, v]) => `${indent}  ${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${this.bodyCode(v, before, k, `${indent}  `)}`)
      return inner.length ? `{\n${inner.join(',\n')},\n${indent}}` : '{}'
    }
    return JSON.stringify(value)
  }

  /** Values this response hands out, for later requests (first occurrence wins over older ones). */
  learnFrom(call: Call): void {
    if (call.json === undefined) return
    const scalars: Array<{ path: string; key: string; value: string | number }> = []
    walk(call.json, '', scalars)
    for (const s of scalars.reverse()) if (correlatable(s.value, s.key)) this.seen.set(`${typeof s.value}:${s.value}`, { call: call.index, path: s.path })
  }

  /** Per response index: the token it issued that a later request sent as its bearer. */
  bearers(): Map<number, string> {
    const bearerAt = new Map<number, string>()
    for (const call of this.calls) {
      const token = call.authorization?.replace(/^Bearer\s+/i, '')
      if (!token) continue
      const s = this.seen.get(`string:${token}`)
      if (s && s.call < call.index && !bearerAt.has(s.call)) {
        bearerAt.set(s.call, `d${s.call}${s.path}`)
        this.used.add(s.call)
        this.correlations++
      }
    }
    return bearerAt
  }
}
