// `lmsload record har` in its three stages (src/integrations/har/): filter, correlate, emit.
import { describe, expect, it } from 'vitest'
import { recordedCalls } from '../../../src/integrations/har/calls.ts'
import { Correlator } from '../../../src/integrations/har/correlate.ts'
import { journeyStatements, withDeclarations } from '../../../src/integrations/har/emit.ts'

const t0 = Date.parse('2026-11-20T10:00:00Z')
const token = 'eyJhbGciOiJIUzI1NiJ9.abcdefgh'
const entry = (i: number, method: string, url: string, status: number, resp: { mime: string; text: string }, headers: Array<{ name: string; value: string }> = [], req?: { mime: string; text: string }) => ({
  startedDateTime: new Date(t0 + i * 700).toISOString(), time: 40,
  request: { method, url, headers, postData: req ? { mimeType: req.mime, text: req.text } : undefined },
  response: { status, content: { mimeType: resp.mime, text: resp.text } },
})
const har = JSON.stringify({ log: { entries: [
  entry(0, 'GET', 'http://127.0.0.1:8080/login', 200, { mime: 'text/html', text: '<input name="sesskey" value="Xy12abCD99" />' }),
  entry(1, 'POST', 'http://127.0.0.1:8080/api/auth/login', 200, { mime: 'application/json', text: JSON.stringify({ token, user: { id: 4242 } }) }, [], { mime: 'application/json', text: JSON.stringify({ sesskey: 'Xy12abCD99' }) }),
  entry(2, 'GET', 'http://127.0.0.1:8080/static/app.js', 200, { mime: 'application/javascript', text: 'x' }),
  entry(3, 'GET', 'http://127.0.0.1:8080/api/users/4242/courses', 200, { mime: 'application/json', text: '[]' }, [{ name: 'Authorization', value: `Bearer ${token}` }]),
  entry(4, 'GET', 'http://127.0.0.1:8080/api/courses/77', 200, { mime: 'application/json', text: '{}' }),
  entry(5, 'GET', 'http://cdn.example.com/x', 200, { mime: 'text/plain', text: '' }),
  entry(6, 'GET', 'http://127.0.0.1:8080/api/gone', 0, { mime: 'text/plain', text: '' }),
] } })

describe('record har, stage by stage', () => {
  it('filter: one origin, no static assets, no failed requests, in start order', () => {
    const { calls, origin, dropped } = recordedCalls(har, { source: 's.har' })
    expect(origin).toBe('http://127.0.0.1:8080')
    expect(dropped).toEqual({ static: 1, otherOrigin: 1, failed: 1 })
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['GET /login', 'POST /api/auth/login', 'GET /api/users/4242/courses', 'GET /api/courses/77'])
    expect(recordedCalls(har, { source: 's.har', keepStatic: true }).calls).toHaveLength(5)
  })

  it('correlate: a value from an earlier JSON response by its path, from an earlier page by a regular expression, else a recorded constant', () => {
    const { calls } = recordedCalls(har, { source: 's.har' })
    const c = new Correlator(calls)
    expect(c.expression('Xy12abCD99', 1, 'sesskey')).toBe('sesskey')
    expect(c.extracts.get(0)).toEqual([`  const sesskey = /name="sesskey" value="([^"\\s]+)/.exec(r0.body)?.[1] ?? ''`])
    c.learnFrom(calls[1]!)
    expect(c.expression(4242, 2, 'userId')).toBe('d1.user.id')
    expect(c.expression(4242, 1, 'userId')).toBeUndefined()
    expect(c.constantFor('courseId', 77)).toBe('RECORDED.courseId')
    expect(c.bearers()).toEqual(new Map([[1, 'd1.token']]))
    expect(c.correlations).toBe(3)
  })

  it('emit: route templates with their values, a check per request, the declarations after the responses read later', () => {
    const { calls } = recordedCalls(har, { source: 's.har' })
    const c = new Correlator(calls)
    const { lines, pages } = journeyStatements(calls, c, 1000)
    expect(pages).toBe(2)
    const code = withDeclarations(lines, c).join('\n')
    expect(code).toContain("await l.get('/api/users/:userId/courses', {\n    params: { userId: d1.user.id },")
    expect(code).toContain("await l.get('/api/courses/:courseId', {\n    params: { courseId: RECORDED.courseId },")
    expect(code).toContain('  const d1 = r1.json<any>()\n  l.bearer(d1.token)')
    expect(code).toContain("if (!l.check(r3, (r) => r.status === 200, 'GET /api/courses/:courseId answered 200')) return")
  })
})
