// Stage 3 of `lmsload record har` (emit): the calls as the statements of one journey (a route
// template per request with its correlated or recorded values, a check on its status, think times
// from the recorded pauses between pages) and the scenario module around them.
import { isIdSegment } from '../../scenario/route.ts'
import type { Call } from './calls.ts'
import type { Correlator } from './correlate.ts'

function singular(segment: string): string {
  const s = segment.replace(/[^A-Za-z0-9]/g, '')
  if (/ies$/.test(s)) return `${s.slice(0, -3)}y`
  if (/(ss|us)$/.test(s)) return s
  return s.replace(/s$/, '')
}

export function literal(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`).replace(/"([A-Za-z_$][\w$]*)":/g, '$1:')
}

/** The journey's statements in order; correlation learns from each response as it goes. */
export function journeyStatements(calls: readonly Call[], c: Correlator, gapMs: number): { lines: string[]; pages: number } {
  const lines: string[] = []
  let page = ''
  let lastEnd = calls[0]!.startMs
  let pages = 0
  for (const call of calls) {
    const newPage = call.page ? call.page !== page : call.startMs - lastEnd > gapMs
    if (newPage || lines.length === 0) {
      pages++
      const pause = call.startMs - lastEnd
      if (lines.length > 0 && pause >= 200) {
        lines.push('', `  // ${(pause / 1000).toFixed(1)} s on the page in the recording`)
        lines.push(`  await l.think(think.lognormal({ median: '${Math.round(pause) / 1000}s', sigma: 0.4 }))`)
      }
      page = call.page
      lines.push('', `  // ${call.page || `page ${pages}`}`)
    }
    lastEnd = Math.max(lastEnd, call.endMs)
    // Route template: id-like segments become :params, their values correlated or recorded constants.
    const params: string[] = []
    const names = new Set<string>()
    const segments = call.url.pathname.split('/').map((segment, i, all) => {
      const decoded = decodeURIComponent(segment)
      if (!isIdSegment(decoded)) return segment
      let name = `${singular(all[i - 1] ?? 'item') || 'item'}Id`
      while (names.has(name)) name = `${name}2`
      names.add(name)
      const value: string | number = /^\d+$/.test(decoded) && decoded.length < 16 ? Number(decoded) : decoded
      params.push(`${name}: ${c.expression(value, call.index, 'id') ?? c.constantFor(name, value)}`)
      return `:${name}`
    })
    const template = segments.join('/') || '/'
    const opts: string[] = []
    if (params.length) opts.push(`params: { ${params.join(', ')} }`)
    const query = [...call.url.searchParams]
    if (query.length) {
      opts.push(`query: { ${query.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${c.expression(/^\d+$/.test(v) ? Number(v) : v, call.index, k) ?? JSON.stringify(v)}`).join(', ')} }`)
    }
    if (call.body?.kind === 'json') opts.push(`json: ${c.bodyCode(call.body.value, call.index, '', '    ')}`)
    else if (call.body?.kind === 'text') {
      opts.push(`body: ${JSON.stringify(call.body.value)}`)
      call.headers['content-type'] = call.body.type
    }
    if (Object.keys(call.headers).length) opts.push(`headers: ${literal(call.headers, '    ')}`)
    if (call.status >= 400) opts.push(`expect: ${call.status}`)
    const method = call.method.toLowerCase()
    const fn = ['get', 'post', 'put', 'patch', 'delete'].includes(method) ? method : undefined
    if (!fn) {
      lines.push(`  // ${call.method} ${template}: lmsload journeys send GET, POST, PUT, PATCH and DELETE; left out`)
      continue
    }
    const args = opts.length ? `, {\n    ${opts.join(',\n    ')},\n  }` : ''
    lines.push(`  const r${call.index} = await l.${fn}('${template.replace(/'/g, "\\'")}'${args})`)
    lines.push(`  if (!l.check(r${call.index}, (r) => r.status === ${call.status}, '${call.method} ${template.replace(/'/g, "\\'")} answered ${call.status}')) return`)
    c.learnFrom(call)
  }
  return { lines, pages }
}

/**
 * After each response, what later requests read from it: its parsed body, the values extracted from
 * its text, and the bearer token it issued (when a later request sent it).
 */
export function withDeclarations(lines: readonly string[], c: Correlator): string[] {
  const bearerAt = c.bearers()
  const out: string[] = []
  for (const line of lines) {
    out.push(line)
    const m = /^ {2}if \(!l\.check\(r(\d+),/.exec(line)
    if (!m) continue
    const i = Number(m[1])
    if (c.used.has(i)) out.push(`  const d${i} = r${i}.json<any>()`)
    out.push(...(c.extracts.get(i) ?? []))
    if (bearerAt.has(i)) out.push(`  l.bearer(${bearerAt.get(i)})`)
  }
  return out
}
