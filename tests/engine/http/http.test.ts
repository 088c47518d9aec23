import { describe, expect, it } from 'vitest'
import { endpointName, expandRoute } from '../../../src/scenario/route.ts'
import { parseServerTiming } from '../../../src/engine/http/server-timing.ts'
import { classifyTransportError } from '../../../src/metrics/outcome.ts'

describe('route templates', () => {
  it('expand params and query but name the endpoint by its template', () => {
    expect(expandRoute('/api/courses/:id', { id: 42 }, undefined)).toBe('/api/courses/42')
    expect(expandRoute('/api/attempts/:id/answers/:questionId', { id: 7, questionId: 3 }, { a: 'x y', b: undefined, c: true })).toBe('/api/attempts/7/answers/3?a=x%20y&c=true')
    expect(expandRoute('/media/:file', { file: 'a/b.ts' }, undefined)).toBe('/media/a%2Fb.ts')
    expect(endpointName('GET', '/api/courses/:id')).toBe('GET /api/courses/:id')
    expect(endpointName('GET', '/api/courses?page=2')).toBe('GET /api/courses')
  })

  it('refuse a missing param and a path that does not start with /', () => {
    expect(() => expandRoute('/api/courses/:id', {}, undefined)).toThrow("route '/api/courses/:id' needs params.id")
    expect(() => expandRoute('api/courses', undefined, undefined)).toThrow("must start with '/'")
  })
})

describe('Server-Timing', () => {
  it('reads durations and descriptions as the W3C header writes them', () => {
    const durations: Array<[string, number]> = []
    const descriptions: Array<[string, string]> = []
    parseServerTiming('db;dur=1.25;desc="3 queries", pool;dur=0.02, cache;desc=hit, upstream;dur=4.5, app;dur=2.4, edge, bad;dur=-1',
      (n, ms) => durations.push([n, ms]), (n, d) => descriptions.push([n, d]))
    expect(durations).toEqual([['db', 1.25], ['pool', 0.02], ['upstream', 4.5], ['app', 2.4]])
    expect(descriptions).toEqual([['cache', 'hit']])
  })
})

describe('transport errors', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'UND_ERR_SOCKET' }, 'reset'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'UND_ERR_HEADERS_TIMEOUT' }, 'timeout'],
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ name: 'AbortError' }, 'aborted'],
    [{ cause: { code: 'ECONNREFUSED' } }, 'refused'],
    [new Error('weird'), 'other'],
  ])('%j is %s', (error, kind) => {
    expect(classifyTransportError(error)).toBe(kind)
  })
})
