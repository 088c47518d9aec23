import type { QueryValue } from './types.ts'

/** A route template compiled once: static parts and the names of its `:param` segments. */
interface CompiledRoute {
  parts: string[]
  names: string[]
}

const compiled = new Map<string, CompiledRoute>()

function compile(template: string): CompiledRoute {
  let route = compiled.get(template)
  if (!route) {
    const parts: string[] = []
    const names: string[] = []
    let last = 0
    for (const m of template.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)) {
      parts.push(template.slice(last, m.index))
      names.push(m[1]!)
      last = m.index + m[0].length
    }
    parts.push(template.slice(last))
    route = { parts, names }
    compiled.set(template, route)
  }
  return route
}

export class RouteError extends Error {}

/** Expands `/api/courses/:id` with params into a path; the template stays the endpoint's name. */
export function expandRoute(template: string, params: Record<string, string | number> | undefined, query: Record<string, QueryValue> | undefined): string {
  if (template[0] !== '/') throw new RouteError(`route '${template}' must start with '/' (a path on the target)`)
  const { parts, names } = compile(template)
  let path = parts[0]!
  for (let i = 0; i < names.length; i++) {
    const value = params?.[names[i]!]
    if (value === undefined || value === null || value === '') throw new RouteError(`route '${template}' needs params.${names[i]}`)
    path += encodeURIComponent(String(value)) + parts[i + 1]!
  }
  if (query) {
    let q = ''
    for (const key in query) {
      const v = query[key]
      if (v === undefined) continue
      q += `${q ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`
    }
    path += q
  }
  return path
}

/** The endpoint name a request is recorded under: never the expanded URL. */
export function endpointName(method: string, template: string): string {
  const q = template.indexOf('?')
  return `${method} ${q < 0 ? template : template.slice(0, q)}`
}
