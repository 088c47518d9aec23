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

/**
 * A route given as an absolute URL: accepted when it is on the target (the path and query are
 * kept), refused otherwise: a journey's requests go to its target, never elsewhere.
 */
export function routeOnTarget(route: string, origin: string): string {
  const m = /^(https?:\/\/[^/?#]+)([^#]*)/i.exec(route)
  if (!m) throw new RouteError(`route '${route}' must start with '/' (a path on the target) or be a URL of the target`)
  if (originKey(m[1]!) !== originKey(origin)) throw new RouteError(`route '${route}' is not on the target ${origin.replace(/\/+$/, '')}: a journey's requests go to its target only`)
  const rest = m[2]!
  return rest === '' ? '/' : rest[0] === '?' ? `/${rest}` : rest
}

/** `HTTP://Host:80/` → `http://host`: scheme and host compared without case or a default port. */
function originKey(origin: string): string {
  const m = /^(https?):\/\/([^/?#]+)/i.exec(origin)
  if (!m) return origin
  const scheme = m[1]!.toLowerCase()
  const host = m[2]!.toLowerCase().replace(scheme === 'http' ? /:80$/ : /:443$/, '')
  return `${scheme}://${host}`
}

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
      q += `${q || path.includes('?') ? '&' : '?'}${encodeURIComponent(key)}=${encodeURIComponent(String(v))}`
    }
    path += q
  }
  return path
}

// Numbers, UUIDs, long hex, and long tokens with a digit in them (not long words or slugs): the
// one rule for "this path segment is a value, not part of the route", shared by the engine, the
// imports and the HAR recorder.
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{24,})$/i

/** Whether a path segment is an id (a value), not part of the route. */
export function isIdSegment(segment: string): boolean {
  return ID_SEGMENT.test(segment)
}

/** `https://lms/api/courses/42/lessons/7?x=1` → `/api/courses/:id/lessons/:id`: ids become `:id`, the query goes. */
export function templatedPath(url: string): string {
  // No URL global: this module is bundled into k6 scripts too.
  const pathname = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/, 1)[0]!
  return pathname.split('/').map((segment) => (isIdSegment(segment) ? ':id' : segment)).join('/') || '/'
}

/**
 * Most distinct paths whose name is kept: a journey that passes expanded paths (a signed media URL
 * per lesson) pays the templating once per distinct path, and memory stays bounded whatever it sends.
 */
const NAME_CACHE_SIZE = 4096
const names = new Map<string, string>()

/**
 * The endpoint name a request is recorded under: never the expanded URL. A template names itself;
 * a path passed without `:params` is templated by construction (its id-like segments become `:id`,
 * its query is dropped), the way the imports and the HAR recorder name URLs, so one lesson's signed
 * playlist URL and another's are one endpoint.
 */
export function endpointName(method: string, template: string): string {
  const key = `${method} ${template}`
  let name = names.get(key)
  if (name === undefined) {
    const q = template.indexOf('?')
    const path = q < 0 ? template : template.slice(0, q)
    name = `${method} ${path.includes('/:') ? path : templatedPath(path)}`
    if (names.size >= NAME_CACHE_SIZE) names.delete(names.keys().next().value!)
    names.set(key, name)
  }
  return name
}
