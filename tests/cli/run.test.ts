import { spawn, spawnSync } from 'node:child_process'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LMSLOAD_BIN, runCli } from '../helpers/cli.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

const PING = `import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'ping',
  arrival: arrival.constant({ rate: 20, duration: '2s' }),
  journeys: { ping: { weight: 1, run: async (l) => { await l.get('/ping') } } },
})
`

function expectOneLineError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(1)
  const lines = r.stderr.trim().split('\n')
  expect(lines, r.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/^\s+at /m)
}

describe('lmsload run', () => {
  it('runs a scenario file from outside the repository and prints progress and a summary', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-cli-')), 'run')
    const r = await runCli(['run', writeScenario(PING), '--target', target.url, '--out', out, '--workers', '1'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^1\/2s\s+arrivals \d+\/s \(plan \d+\)\s+active \d+\s+\d+ req\/s\s+p95 [\d.]+ ms\s+errors 0\s+dropped 0$/m)
    expect(r.stdout).toMatch(/^run completed after \d+ s: \d+ learners started \(100\.0 % of plan \d+\), 0 dropped, \d+ requests$/m)
    expect(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')).status).toBe('completed')
  })

  it.each(['SIGINT', 'SIGTERM'] as const)('ends with exit 130 and an aborted run directory with its data and report on %s', async (signal) => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-cli-')), 'run')
    const file = writeScenario(PING.replace("duration: '2s'", "duration: '120s'"))
    const child = spawn(process.execPath, [LMSLOAD_BIN, 'run', file, '--target', target.url, '--out', out, '--workers', '1'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        try {
          if (readFileSync(path.join(out, 'intervals.ndjson'), 'utf8').split('\n').length > 3) {
            clearInterval(check)
            resolve()
          }
        } catch {
          // not there yet
        }
      }, 100)
    })
    child.kill(signal)
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code, stderr).toBe(130)
    expect(stderr).toMatch(new RegExp(`${signal}: stopping arrivals`))
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))
    expect(run.status).toBe('aborted')
    expect(run.result.arrivals.started).toBeGreaterThan(40)
    expect(readFileSync(path.join(out, 'intervals.ndjson'), 'utf8').trim().split('\n').length).toBe(run.result.seconds)
    // Analysed and reported like any run, the interruption said plainly.
    const analysis = JSON.parse(readFileSync(path.join(out, 'analysis.json'), 'utf8'))
    expect(analysis.run.status).toBe('aborted')
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('aborted')
  })
})

describe('a scenario that throws', () => {
  it('fails its gate (exit 99) and shows the error with its line in the console, summary.md, junit.xml and the report', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lmsload-cli-')), 'typo')
    const file = writeScenario(`import { defineScenario, arrival } from 'lmsload'
export default defineScenario({
  name: 'typo',
  arrival: arrival.constant({ rate: 10, duration: '2s' }),
  journeys: { browse: { weight: 1, run: async (l) => { await l.gett('/ping') } } },
  budgets: { overall: ['p95 < 1s', 'errors < 1%'] },
})
`)
    const r = await runCli(['run', file, '--target', target.url, '--out', out, '--workers', '1', '--quiet'])
    expect(r.code, r.stderr).toBe(99)
    const site = `${file}:5`
    expect(r.stdout).not.toMatch(/all \d+ budgets were met/i)
    expect(r.stdout).toMatch(new RegExp(`^Journey errors \\(\\d+ of \\d+ ended journeys threw\\)\\n  \\d+× browse: l\\.gett is not a function \\(${site.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\)$`, 'm'))
    expect(r.stdout).toMatch(/FAIL {2}journeys: failed < 1% \(measured 100\.00 %\) \[default\]/)
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/^## lmsload: typo — ❌ 1 of 3 budgets failed, 2 not judged\n[\s\S]*### Journey errors[\s\S]*l\.gett is not a function/)
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toMatch(/<failure message="journeys failed &lt; 1%: measured 100\.00 %[^"]*" type="budget">[^<]*l\.gett is not a function/)
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('× browse: l.gett is not a function')
  })
})

describe.concurrent('lmsload run refuses bad input in one line', () => {
  const scenario = (source: string) => writeScenario(source)
  const cases: Array<[string, () => string[], RegExp]> = [
    ['a missing scenario file', () => ['run', '/nonexistent/x.ts', '--target', target.url], /^lmsload: \/nonexistent\/x\.ts: no such scenario file$/],
    ['a syntax error, with file:line', () => ['run', scenario("import { defineScenario } from 'lmsload'\nexport default defineScenario({\n  name: 'x',,\n})\n"), '--target', target.url], /scenario\.ts:3: syntax error: /],
    ['a missing default export', () => ['run', scenario("import { arrival } from 'lmsload'\nexport const x = arrival\n"), '--target', target.url], /scenario\.ts: no default export \(end the file with: export default defineScenario/],
    ['a default export that is not a scenario', () => ['run', scenario('export default { name: "x" }\n'), '--target', target.url], /the default export is not a scenario/],
    ['an unknown arrival profile', () => ['run', scenario(PING.replace('arrival.constant(', 'arrival.flood(')), '--target', target.url], /scenario\.ts:4: failed while loading: arrival\.flood is not a function/],
    ['a negative rate, naming the field', () => ['run', scenario(PING.replace('rate: 20', 'rate: -20')), '--target', target.url], /scenario\.ts:4: arrival\.constant: 'rate' must be a number ≥ 0, got -20/],
    ['a duration without a unit', () => ['run', scenario(PING.replace("'2s'", "'2'")), '--target', target.url], /scenario\.ts:4: arrival\.constant: 'duration' must be a duration like '60s', got '2'/],
    ['journeys that all weigh zero', () => ['run', scenario(PING.replace('weight: 1', 'weight: 0')), '--target', target.url], /scenario\.ts:2: defineScenario: at least one journey needs a weight above 0/],
    ['a wrong type for a weight', () => ['run', scenario(PING.replace('weight: 1', "weight: 'heavy'")), '--target', target.url], /'journeys\.ping\.weight' must be a number ≥ 0, got "heavy"/],
    ['an enum, which Node cannot strip', () => ['run', scenario(`enum Mode { A }\n${PING}`), '--target', target.url], /scenario\.ts:1: .*(TypeScript|enum)/i],
    ['a target that is not loopback', () => ['run', scenario(PING), '--target', 'http://lms.example.edu'], /^lmsload: --target: lms\.example\.edu is not loopback; .* \(pass --allow-remote if you mean it\)$/],
    ['a target that is not a URL', () => ['run', scenario(PING), '--target', 'localhost:8080/x y'], /--target: expected an http:\/\/ or https:\/\/ URL|--target: expected a URL/],
    ['an unreachable target', () => ['run', scenario(PING), '--target', 'http://127.0.0.1:9'], /^lmsload: --target: cannot reach http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\)$/],
    ['a bad --duration', () => ['run', scenario(PING), '--target', target.url, '--duration', '10x'], /^lmsload: --duration: expected a duration like '500ms', '30s' or '5m', got '10x'$/],
    ['a bad --scale', () => ['run', scenario(PING), '--target', target.url, '--scale', '-1'], /--scale: expected a number above 0, got '-1'/],
    ['a bad --size', () => ['run', scenario(PING), '--target', target.url, '--size', 'HUGE'], /--size: expected one of XS, S, M, L, XL, XXL, got 'HUGE'/],
    ['a bad --workers', () => ['run', scenario(PING), '--target', target.url, '--workers', '0'], /--workers: expected a whole number above 0, got '0'/],
    ['a bad --seed', () => ['run', scenario(PING), '--target', target.url, '--seed', 'abc'], /--seed: expected a whole number, got 'abc'/],
    ['a bad --scrape URL', () => ['run', scenario(PING), '--target', target.url, '--scrape', 'not a url'], /--scrape: expected a URL/],
    // Repeated list options keep every value: the bad first one is still checked.
    ['a bad first of two --scrape URLs', () => ['run', scenario(PING), '--target', target.url, '--scrape', 'not a url', '--scrape', 'http://127.0.0.1:9/metrics'], /--scrape: expected a URL like .*, got 'not a url'/],
    ['a bad first of two --pid', () => ['run', scenario(PING), '--target', target.url, '--pid', 'x', '--pid', '1'], /--pid: expected a whole number above 0, got 'x'/],
    // Other repeated options: the last value wins.
    ['a repeated --seed (the last one is read)', () => ['run', scenario(PING), '--target', target.url, '--seed', '1', '--seed', 'abc'], /--seed: expected a whole number, got 'abc'/],
    ['an unknown flag', () => ['run', scenario(PING), '--target', target.url, '--turbo'], /^lmsload: unknown option --turbo \(see --help\)$/],
    ['a mistyped flag', () => ['run', scenario(PING), '--target', target.url, '--wrokers', '2'], /^lmsload: unknown option --wrokers \(did you mean --workers\?\)$/],
  ]
  it.each(cases)('%s', async (_name, args, pattern) => {
    expectOneLineError(await runCli(args()), pattern)
  })

  it('never writes into an existing, non-empty --out directory', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'lmsload-cli-'))
    mkdirSync(out, { recursive: true })
    writeFileSync(path.join(out, 'keep.txt'), 'precious')
    expectOneLineError(await runCli(['run', writeScenario(PING), '--target', target.url, '--out', out]), /already exists and is not empty; choose another --out/)
    expect(readFileSync(path.join(out, 'keep.txt'), 'utf8')).toBe('precious')
  })
})

describe('lmsload run against an HTTPS target', () => {
  it('trusts the certificate given with --ca (or any with --insecure), keeps its connections, and refuses an untrusted one in one line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-https-'))
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { encoding: 'utf8' })
    expect(made.status, made.stderr).toBe(0)
    let requests = 0
    let handshakes = 0
    const server = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) }, (_req, res) => {
      requests++
      res.end('{}')
    })
    server.on('secureConnection', () => handshakes++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const out = path.join(dir, 'run')
      const r = await runCli(['run', writeScenario(PING), '--target', url, '--ca', path.join(dir, 'cert.pem'), '--out', out, '--workers', '1', '--quiet'])
      expect(r.code, r.stderr).toBe(0)
      const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))
      expect(run.options.ca).toBe(path.join(dir, 'cert.pem'))
      expect(run.result.requests).toBeGreaterThanOrEqual(30)
      // 40 planned arrivals (plus the preflight) over a few keep-alive connections, not one handshake each.
      expect(requests).toBe(run.result.requests + 1)
      expect(handshakes).toBeLessThan(requests / 3)
      expectOneLineError(await runCli(['run', writeScenario(PING), '--target', url, '--quiet']), /^lmsload: --target: cannot reach https:\/\/127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/)
      expectOneLineError(await runCli(['run', writeScenario(PING), '--target', url, '--ca', path.join(dir, 'key.pem')]), /^lmsload: --ca: .*key\.pem holds no PEM certificate/)
      const insecure = await runCli(['run', writeScenario(PING), '--target', url, '--insecure', '--out', path.join(dir, 'run2'), '--workers', '1', '--quiet'])
      expect(insecure.code, insecure.stderr).toBe(0)
      expect(JSON.parse(readFileSync(path.join(dir, 'run2', 'run.json'), 'utf8')).options.insecure).toBe(true)
    } finally {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
})
