// Endpoint names for requests another tool named by URL: ids become `:id`, so metrics stay one
// series per route (as lmsload's own route templates keep them), not one per learner.

// Numbers, UUIDs, long hex, and long tokens with a digit in them (not long words or slugs).
const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{24,})$/i

/** Whether a path segment is an id (a value), not part of the route. */
export function isIdSegment(segment: string): boolean {
  return ID_SEGMENT.test(segment)
}

/** `https://lms/api/courses/42/lessons/7?x=1` → `/api/courses/:id/lessons/:id`. */
export function templatedPath(url: string): string {
  let pathname: string
  try {
    pathname = new URL(url, 'http://x').pathname
  } catch {
    pathname = url.split('?')[0]!
  }
  return pathname.split('/').map((segment) => (isIdSegment(segment) ? ':id' : segment)).join('/') || '/'
}
