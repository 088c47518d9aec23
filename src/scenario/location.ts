import { UserError } from '../core/errors.ts'
import { parseDurationMs } from '../core/units.ts'

// lmsload's own sources (src/), as a file: URL prefix: frames there are never the user's line.
// Plain string work, no Node modules: this file is also bundled into k6 scripts (lmsload export k6),
// where neither URL nor a file: import.meta.url need exist.
let sourceUrl: string | null | undefined

type UrlConstructor = new (url: string, base?: string) => { href: string }

function sourcePrefix(): string | null {
  if (sourceUrl === undefined) {
    sourceUrl = null
    const url = (globalThis as { URL?: UrlConstructor }).URL
    const here = (import.meta as { url?: string }).url
    if (url && here) {
      try {
        sourceUrl = new url('..', here).href
      } catch {}
    }
  }
  return sourceUrl
}

interface ProcessLike {
  cwd(): string
}

function toFileUrl(file: string): string {
  return file.startsWith('file://') ? file : `file://${encodeURI(file)}`
}

/**
 * `file:line` of the scenario code that called into lmsload: the first stack frame outside
 * src/. Errors then point at the user's line, not ours.
 */
export function callerLocation(): string {
  const stack = new Error().stack ?? ''
  for (const line of stack.split('\n').slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?\s*$/.exec(line.trim())
    if (!m) continue
    const url = toFileUrl(m[1]!)
    const source = sourcePrefix()
    if ((source !== null && url.startsWith(source)) || url.includes('/node_modules/')) continue
    const file = decodeURI(url.slice('file://'.length))
    const cwd = (globalThis as { process?: ProcessLike }).process?.cwd()
    const relative = cwd !== undefined && file.startsWith(cwd.endsWith('/') ? cwd : `${cwd}/`) ? file.slice(cwd.length).replace(/^\//, '') : file
    return `${relative}:${m[2]}`
  }
  return '<scenario>'
}

export function scenarioError(where: string, message: string): UserError {
  return new UserError('LMSLOAD_SCENARIO', `${where}: ${message}`)
}

/** A field checker bound to one call site and API name: `file:line: arrival.examSpike: …`. */
export class Fields {
  readonly where: string
  constructor(api: string, location = callerLocation()) {
    this.where = `${location}: ${api}`
  }

  fail(message: string): never {
    throw scenarioError(this.where, message)
  }

  duration(name: string, value: unknown, fallback?: string): number {
    const v = value ?? fallback
    if (typeof v !== 'string') this.fail(`'${name}' must be a duration like '60s', got ${JSON.stringify(v)}`)
    try {
      return parseDurationMs(v, `'${name}'`)
    } catch {
      this.fail(`'${name}' must be a duration like '60s', got '${v}'`)
    }
  }

  number(name: string, value: unknown, options: { min?: number; max?: number; integer?: boolean; fallback?: number; above?: number } = {}): number {
    const v = value ?? options.fallback
    const { min, max, integer, above } = options
    const describe = () => {
      const parts = [integer ? 'a whole number' : 'a number']
      if (above !== undefined) parts.push(`> ${above}`)
      if (min !== undefined) parts.push(`≥ ${min}`)
      if (max !== undefined) parts.push(`≤ ${max}`)
      return parts.join(' ')
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v)) ||
      (min !== undefined && v < min) || (max !== undefined && v > max) || (above !== undefined && v <= above)) {
      this.fail(`'${name}' must be ${describe()}, got ${JSON.stringify(v)}`)
    }
    return v
  }

  known(value: object, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(`unknown field '${key}' (expected one of: ${allowed.join(', ')})`)
    }
  }
}
