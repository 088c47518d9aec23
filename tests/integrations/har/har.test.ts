// lmsload record har: a session recorded by a real Chromium against the reference backend becomes a
// scenario that runs clean against it (ids and the token read from the responses that issued
// them); static assets and other origins are dropped; bad recordings are one line each.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../../src/app/run.ts'
import { readRun } from '../../../src/record/reader.ts'
import { backendForSuite } from '../../helpers/backend.ts'
import { runCli } from '../../helpers/cli.ts'
import { recordSession } from '../../helpers/record-session.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-har-'))

describe('a recorded browser session becomes a scenario that runs', () => {
  const suite = backendForSuite()
  const har = path.join(scratch, 'session.har')
  const scenario = path.join(scratch, 'learner-flow.ts')
  beforeAll(async () => {
    await recordSession(suite.backend.url, har, { pauseMs: 1200 })
  })

  it('converts: route templates, correlated ids and token, think times from the pauses, a check per request', async () => {
    const recording = JSON.parse(readFileSync(har, 'utf8'))
    expect(recording.log.creator.name).toBe('Playwright')
    const result = await runCli(['record', 'har', har, '--out', scenario])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/learner-flow\.ts \(8 requests over 5 pages from http:\/\/127\.0\.0\.1:\d+; \d+ values correlated, 0 recorded constants\)/)
    const code = readFileSync(scenario, 'utf8')
    for (const template of ["l.post('/api/auth/login'", "l.get('/api/me/dashboard')", "l.get('/api/courses/:courseId'", "l.get('/api/lessons/:lessonId'",
      "l.put('/api/lessons/:lessonId/progress'", "l.post('/api/courses/:courseId/forum/posts'", "l.get('/api/courses/:courseId/forum/posts'"]) {
      expect(code).toContain(template)
    }
    // The course is the dashboard's first, the lesson the course's first: read from those responses.
    expect(code).toMatch(/params: \{ courseId: d\d+\.courses\[0\]\.id \}/)
    expect(code).toMatch(/params: \{ lessonId: d\d+\.lessons\[0\]\.id \}/)
    expect(code).toMatch(/l\.bearer\(d\d+\.token\)/)
    const token = recording.log.entries.find((e: any) => e.request.url.endsWith('/api/auth/login')).response.content.text.match(/"token":"([^"]+)"/)[1]
    expect(code).not.toContain(token)
    expect(code.match(/await l\.think\(think\.lognormal\(\{ median: '1\.\d+s', sigma: 0\.4 \}\)\)/g)).toHaveLength(4)
    expect(code.match(/if \(!l\.check\(r\d+, \(r\) => r\.status === 20[01],/g)).toHaveLength(8)
  })

  it('runs clean against the backend it was recorded on', async () => {
    const out = path.join(scratch, 'run')
    const outcome = await runScenario(
      { scenarioFile: scenario, target: suite.backend.url, out, workers: 1, shape: { durationMs: 4000, scale: 2 }, gracefulStopMs: 15_000 },
      { signal: new AbortController().signal },
    )
    expect(outcome.status).toBe('completed')
    const run = readRun(out)
    const checks = new Map<string, { pass: number; fail: number }>()
    for (const i of run.intervals) {
      for (const [label, c] of Object.entries(i.checks)) {
        const t = checks.get(label) ?? { pass: 0, fail: 0 }
        t.pass += c.pass
        t.fail += c.fail
        checks.set(label, t)
      }
    }
    const journeys = run.intervals.flatMap((i) => Object.values(i.journeys))
    const completed = journeys.reduce((a, j) => a + j.completed, 0)
    const started = run.intervals.reduce((a, i) => a + i.arrivals.started, 0)
    expect(started).toBeGreaterThanOrEqual(3)
    expect(completed).toBe(started)
    expect(journeys.reduce((a, j) => a + j.failed, 0)).toBe(0)
    // Every learner passed all eight checks (one per recorded request).
    expect(checks.size).toBe(8)
    for (const [label, c] of checks) {
      expect(c.fail, label).toBe(0)
      expect(c.pass, label).toBe(completed)
    }
  })
})

describe('what the recorder keeps and drops', () => {
  const entry = (method: string, url: string, status: number, at: number, options: { mime?: string; body?: unknown; response?: unknown; text?: string; auth?: string } = {}) => ({
    startedDateTime: new Date(Date.parse('2026-11-20T09:00:00Z') + at).toISOString(), time: 20,
    request: {
      method, url, httpVersion: 'HTTP/1.1', cookies: [], queryString: [], headersSize: -1, bodySize: 0,
      headers: [{ name: 'Accept', value: '*/*' }, { name: 'X-Requested-With', value: 'XMLHttpRequest' }, ...(options.auth ? [{ name: 'Authorization', value: options.auth }] : [])],
      ...(options.body !== undefined ? { postData: { mimeType: 'application/json', text: JSON.stringify(options.body) } } : {}),
    },
    response: {
      status, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [], redirectURL: '', headersSize: -1, bodySize: 0,
      content: { size: 0, mimeType: options.mime ?? 'application/json', ...(options.response !== undefined ? { text: JSON.stringify(options.response) } : options.text !== undefined ? { text: options.text } : {}) },
    },
    cache: {}, timings: { send: 0, wait: 20, receive: 0 },
  })

  it('drops assets and other origins; unknown ids become recorded constants; a recorded 404 is expected', async () => {
    const har = path.join(scratch, 'moodle.har')
    writeFileSync(har, JSON.stringify({
      log: {
        version: '1.2', creator: { name: 'test', version: '1' },
        pages: [{ id: 'p1', title: 'Course: Physics', startedDateTime: '2026-11-20T09:00:00Z', pageTimings: {} }],
        entries: [
          { ...entry('GET', 'https://lms.example/course/view.php?id=1234', 200, 0, { mime: 'text/html; charset=utf-8', text: '<html><head><script>\nM.cfg = {"wwwroot":"https:\\/\\/lms.example","sesskey":"Ab12Cd34Ef","themerev":"1700000000"};\n</script></head><body>Physics</body></html>' }), pageref: 'p1' },
          { ...entry('GET', 'https://lms.example/theme/styles.css', 200, 30, { mime: 'text/css' }), pageref: 'p1' },
          { ...entry('GET', 'https://cdn.example/jquery.js', 200, 40, { mime: 'application/javascript' }), pageref: 'p1' },
          { ...entry('GET', 'https://lms.example/pix/logo.svg', 200, 50, { mime: 'image/svg+xml' }), pageref: 'p1' },
          { ...entry('POST', 'https://lms.example/lib/ajax/service.php?sesskey=Ab12Cd34Ef&info=core_course_get_contents', 200, 60, { body: [{ index: 0, methodname: 'core_course_get_contents', args: { courseid: 1234 } }], response: [{ error: false, data: { sections: [{ id: 98765 }] } }] }), pageref: 'p1' },
          { ...entry('GET', 'https://lms.example/mod/page/view/98765', 200, 3000), pageref: 'p1' },
          { ...entry('GET', 'https://lms.example/mod/missing/55', 404, 3100), pageref: 'p1' },
        ],
      },
    }))
    const out = path.join(scratch, 'moodle-flow.ts')
    const result = await runCli(['record', 'har', har, '--out', out])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/4 requests over 1 pages from https:\/\/lms\.example; 2 values correlated, 1 recorded constants/)
    expect(result.stdout).toMatch(/dropped: 2 static, 1 other origins, 0 without an answer/)
    const code = readFileSync(out, 'utf8')
    expect(code).toContain('// Course: Physics')
    expect(code).toContain("query: { id: \"1234\" }")
    // Moodle's sesskey comes from the page's HTML (M.cfg), read back with a regular expression.
    expect(code).toContain(`  const sesskey = /"sesskey":"([^"\\s]+)/.exec(r0.body)?.[1] ?? ''`)
    expect(code).toContain('query: { sesskey: sesskey, info: "core_course_get_contents" }')
    expect(code).toContain("l.get('/mod/page/view/:viewId', {\n    params: { viewId: d1[0].data.sections[0].id },")
    expect(code).toContain("params: { missingId: RECORDED.missingId }")
    expect(code).toMatch(/const RECORDED = \{\n {2}missingId: 55,?\n\}/)
    expect(code).toContain('expect: 404')
    expect(code).toContain('"x-requested-with": "XMLHttpRequest"')
    expect(code).not.toMatch(/accept/i)
  })

  it('an existing scenario file is never overwritten without --force', async () => {
    const out = path.join(scratch, 'mine.ts')
    writeFileSync(out, '// my hand-written scenario\n')
    const result = await runCli(['record', 'har', path.join(scratch, 'moodle.har'), '--out', out])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/mine\.ts already exists \(pass --force to replace it\)/)
    expect(readFileSync(out, 'utf8')).toBe('// my hand-written scenario\n')
    const forced = await runCli(['record', 'har', path.join(scratch, 'moodle.har'), '--out', out, '--force'])
    expect(forced.code).toBe(0)
    expect(readFileSync(out, 'utf8')).toContain('recordedSession')
  })
})

describe.concurrent('bad recordings and flags', () => {
  it.each([
    [['record', 'har', 'FILE:not-json.har', '--out', 'OUT:a.ts'], 'not json', /not-json\.har: not JSON/],
    [['record', 'har', 'FILE:not-har.har', '--out', 'OUT:b.ts'], '{"entries": []}', /not-har\.har: not a HAR file/],
    [['record', 'har', 'FILE:empty.har', '--out', 'OUT:c.ts'], '{"log":{"entries":[]}}', /empty\.har: the recording has no requests/],
    [['record', 'har', 'FILE:ok.har', '--out', 'OUT:d.js'], '{"log":{"entries":[]}}', /--out: a scenario is a \.ts file/],
    [['record', 'har', 'FILE:ok2.har'], '{"log":{"entries":[]}}', /--out is required/],
    [['record', 'cassette', 'FILE:ok3.har', '--out', 'OUT:e.ts'], '{}', /unknown kind 'cassette'/],
  ])('%j is refused in one line', async (args, content, message) => {
    const resolved = args.map((a) => (a.startsWith('FILE:') || a.startsWith('OUT:') ? path.join(scratch, a.slice(a.indexOf(':') + 1)) : a))
    writeFileSync(resolved[2]!, content)
    const result = await runCli(resolved)
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(message)
    const out = resolved[resolved.indexOf('--out') + 1]
    if (resolved.includes('--out')) expect(existsSync(out!)).toBe(false)
  })
})
