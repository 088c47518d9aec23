import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../helpers/cli.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-init-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('lmsload init', () => {
  it('points the CI workflow and the README at --target, and --force overwrites the kit', async () => {
    const dir = path.join(scratch, 'repo')
    const r = await runCli(['init', dir, '--target', 'https://lms-staging.example.edu'])
    expect(r.code, r.stderr).toBe(0)
    const workflow = readFileSync(path.join(dir, '.github', 'workflows', 'lmsload.yml'), 'utf8')
    expect(workflow).toContain('npx lmsload run lmsload/scenarios/example.ts --target https://lms-staging.example.edu --budget lmsload/budgets.json')
    expect(readFileSync(path.join(dir, 'lmsload', 'README.md'), 'utf8')).toContain('npx lmsload run lmsload/scenarios/example.ts --target https://lms-staging.example.edu')
    expect(JSON.parse(readFileSync(path.join(dir, 'lmsload', 'budgets.json'), 'utf8')).$schema).toBe('../node_modules/lmsload/docs/budgets.schema.json')
    writeFileSync(path.join(dir, 'lmsload', 'budgets.json'), '{}')
    const forced = await runCli(['init', dir, '--force'])
    expect(forced.code, forced.stderr).toBe(0)
    expect(readFileSync(path.join(dir, 'lmsload', 'budgets.json'), 'utf8')).toContain('"budgets"')
    expect(readFileSync(path.join(dir, '.github', 'workflows', 'lmsload.yml'), 'utf8')).not.toContain('--target')
  })

  it('refuses a malformed --target in one line and writes nothing', async () => {
    const dir = path.join(scratch, 'bad-target')
    const r = await runCli(['init', dir, '--target', 'lms.example.edu'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toEqual(["lmsload: --target: expected a URL like https://lms.example.edu, got 'lms.example.edu'"])
    expect(existsSync(dir)).toBe(false)
  })
})

describe('lmsload run --check', () => {
  it('refuses a scenario with a type error at its file:line before starting anything', async () => {
    const file = path.join(scratch, 'typo.ts')
    writeFileSync(file, `import { arrival, defineScenario } from 'lmsload'
export default defineScenario({
  name: 'typo',
  arrival: arrival.constant({ rate: 1, duration: '1s' }),
  journeys: { a: { weight: 1, run: async (l) => { const lesson: string = 5; await l.get(lesson) } } },
})
`)
    const out = path.join(scratch, 'never')
    const r = await runCli(['run', file, '--check', '--out', out])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^lmsload: \/.*typo\.ts:5: Type 'number' is not assignable to type 'string'\./)
    expect(existsSync(out)).toBe(false)
  })
})
