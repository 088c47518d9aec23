// Data from the user: accounts from a CSV handed out as a pure function of (learner id, seed),
// --env and --secret parameters, and no secret value in anything the run writes or prints.
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'
import { startTarget, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
beforeAll(async () => {
  target = await startTarget()
})
afterAll(async () => {
  await target?.close()
})

const SECRET = 's3cr3t-t0ken-9f2c'

/** A scenario directory: accounts.csv beside the scenario, which signs each learner in with its own row. */
function project(rows: number, handOut: string, extra = ''): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-data-'))
  writeFileSync(path.join(dir, 'accounts.csv'), ['username,password', ...Array.from({ length: rows }, (_, i) => `user${i},pw${i}`)].join('\n') + '\n')
  writeFileSync(path.join(dir, 'scenario.ts'), `
    import { defineScenario, arrival, data, env, secret } from 'lmsload'
    const accounts = data.csv('accounts.csv', { handOut: '${handOut}', columns: ['username', 'password'] })
    const course = env.number('COURSE_ID')
    const region = env('REGION', 'eu')
    export default defineScenario({
      name: 'accounts',
      arrival: arrival.constant({ rate: 20, duration: '1s' }),
      journeys: {
        signin: { weight: 1, run: async (l) => {
          const a = accounts.for(l)
          await l.get('/who/:user/:course/:region', { params: { user: a.username, course, region }, headers: { authorization: 'Bearer ' + secret('API_TOKEN') } })
          ${extra}
        } },
      },
    })`)
  return dir
}

/** Every file under `dir`, as text. */
function allText(dir: string): string {
  return readdirSync(dir).map((f) => path.join(dir, f)).filter((f) => statSync(f).isFile()).map((f) => readFileSync(f, 'utf8')).join('\n')
}

describe('accounts, parameters and secrets', () => {
  it('hands each learner its own row, reads --env and --secret, and writes the secret nowhere', async () => {
    const dir = project(40, 'unique', `throw new Error('refused with ' + secret('API_TOKEN'))`)
    const out = path.join(dir, 'run')
    target.hits.clear()
    const r = await runCli(['run', path.join(dir, 'scenario.ts'), '--target', target.url, '--out', out, '--workers', '2', '--env', 'COURSE_ID=42', '--secret', 'API_TOKEN', '--quiet'], { API_TOKEN: SECRET })
    const users = [...target.hits.keys()].filter((p) => p.startsWith('/who/')).map((p) => p.split('/')[2])
    const run = JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8'))
    expect(users.length).toBe(run.result.arrivals.started)
    // Learner n signs in as user n: a pure function of the id, whatever the number of workers.
    expect(users.sort()).toEqual(Array.from({ length: users.length }, (_, i) => `user${i}`).sort())
    expect([...target.hits.keys()].every((p) => !p.startsWith('/who/') || p.endsWith('/42/eu'))).toBe(true)
    expect(run.options.env).toEqual({ COURSE_ID: '42' })
    expect(run.options.secrets).toEqual(['API_TOKEN'])
    // The journey's error quotes the token: the run directory, the reports and the console say [secret].
    expect(allText(out)).toContain('refused with [secret]')
    expect(allText(out)).not.toContain(SECRET)
    expect(r.stdout + r.stderr).not.toContain(SECRET)
  }, 60_000)

  it('refuses a unique hand-out with fewer rows than the plan has learners, in one line, before any load', async () => {
    const dir = project(5, 'unique')
    target.hits.clear()
    const r = await runCli(['run', path.join(dir, 'scenario.ts'), '--target', target.url, '--out', path.join(dir, 'run'), '--env', 'COURSE_ID=1', '--secret', 'API_TOKEN', '--quiet'], { API_TOKEN: SECRET })
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/scenario\.ts:3: accounts\.csv: a unique hand-out needs a row per learner: the plan has \d+ learners, the file 5 rows/)
    expect([...target.hits.keys()].filter((p) => p.startsWith('/who/'))).toEqual([])
  }, 60_000)

  it('prints a setup() that fails quoting a secret without the secret', async () => {
    const dir = project(40, 'sequential')
    const source = readFileSync(path.join(dir, 'scenario.ts'), 'utf8').replace("name: 'accounts',", "name: 'accounts', setup: () => { throw new Error('login refused for ' + secret('API_TOKEN')) },")
    writeFileSync(path.join(dir, 'setup.ts'), source)
    const r = await runCli(['run', path.join(dir, 'setup.ts'), '--target', target.url, '--out', path.join(dir, 'run'), '--env', 'COURSE_ID=1', '--secret', 'API_TOKEN', '--quiet'], { API_TOKEN: SECRET })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/setup\(\) failed: login refused for \[secret\]/)
    expect(r.stdout + r.stderr).not.toContain(SECRET)
  }, 60_000)

  it('exports to k6 a scenario that reads them, with no secret value in any file it writes', async () => {
    const dir = project(40, 'sequential')
    // k6 has no data files yet: this scenario reads its parameters only.
    const source = readFileSync(path.join(dir, 'scenario.ts'), 'utf8').replace(/const accounts = .*\n/, '').replace('const a = accounts.for(l)', "const a = { username: 'u' }")
    writeFileSync(path.join(dir, 'k6.ts'), source.replace("const course = env.number('COURSE_ID')", "const course = env.number('COURSE_ID'); const key = secret('API_TOKEN').length"))
    const out = path.join(dir, 'k6')
    const r = await runCli(['export', 'k6', path.join(dir, 'k6.ts'), '--out', out, '--no-typecheck', '--env', 'COURSE_ID=42', '--secret', 'API_TOKEN'], { API_TOKEN: SECRET })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const script = readFileSync(path.join(out, readdirSync(out).find((f) => f.endsWith('.js'))!), 'utf8')
    // The script reads both from k6's own environment when it runs.
    expect(script).toContain('__ENV')
    expect(allText(out)).not.toContain(SECRET)
    expect(r.stdout).not.toContain(SECRET)
  }, 60_000)

  it.each([
    [['--env', 'COURSE_ID'], /--env COURSE_ID: expected KEY=VALUE/],
    [['--env', 'COURSE_ID=1', '--secret', `API_TOKEN=${SECRET}`], /--secret API_TOKEN=…: --secret takes a name only/],
    [['--env', 'COURSE_ID=1', '--secret', 'MISSING_TOKEN'], /--secret MISSING_TOKEN: the environment has no MISSING_TOKEN/],
    [['--secret', 'API_TOKEN'], /scenario\.ts:4: env\.number\('COURSE_ID'\): not given; pass --env COURSE_ID=<number>/],
    [['--env', 'COURSE_ID=x', '--secret', 'API_TOKEN'], /env\.number\('COURSE_ID'\): --env COURSE_ID=x is not a number/],
  ])('refuses bad parameters in one line: %j', async (args, message) => {
    const dir = project(40, 'sequential')
    const r = await runCli(['run', path.join(dir, 'scenario.ts'), '--target', target.url, '--out', path.join(dir, 'run'), ...args, '--quiet'], { API_TOKEN: SECRET })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stdout + r.stderr).not.toContain(SECRET)
  }, 60_000)
})
