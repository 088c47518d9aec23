import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runScenario } from '../../src/app/run.ts'
import { readLatencyLog, readRun } from '../../src/record/reader.ts'
import { startTarget, writeScenario, type TestTarget } from '../helpers/target.ts'

let target: TestTarget
let pristine: string
const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-reader-'))

beforeAll(async () => {
  target = await startTarget()
  pristine = path.join(scratch, 'pristine')
  await runScenario({
    scenarioFile: writeScenario(`
      import { defineScenario, arrival } from 'lmsload'
      export default defineScenario({
        name: 'reader', arrival: arrival.constant({ rate: 20, duration: '3s' }),
        journeys: { a: { weight: 1, run: async (l) => { await l.get('/a/:id', { params: { id: l.id } }); await l.step('s', () => l.get('/b')) } } },
      })`),
    target: target.url, out: pristine, workers: 1,
  }, { signal: new AbortController().signal })
})
afterAll(async () => {
  await target?.close()
  rmSync(scratch, { recursive: true, force: true })
})

function copy(name: string): string {
  const dir = path.join(scratch, name)
  cpSync(pristine, dir, { recursive: true })
  return dir
}

describe('reading a run directory', () => {
  it('reads a complete run with no warnings', () => {
    const run = readRun(pristine)
    expect(run.complete).toBe(true)
    expect(run.warnings).toEqual([])
    expect([...run.endpoints.values()].sort()).toEqual(['GET /a/:id', 'GET /b'])
    expect(run.intervals.length).toBeGreaterThanOrEqual(3)
    expect(run.resources.some((r) => r.source === 'host')).toBe(true)
  })

  it('tolerates a torn last line in every append-only file, with a warning each', () => {
    const dir = copy('torn')
    for (const f of ['intervals.ndjson', 'events.ndjson', 'resources.ndjson']) appendFileSync(path.join(dir, f), '{"t": 99, "arri')
    appendFileSync(path.join(dir, 'latency.hlog'), 'Tag=e1,99.000,1.000,1.0,HISTFAAAA')
    const run = readRun(dir)
    expect(run.intervals.length).toBe(readRun(pristine).intervals.length)
    expect(run.warnings.filter((w) => /last line is incomplete/.test(w))).toHaveLength(3)
    const warnings: string[] = []
    const histograms = [...readLatencyLog(dir, warnings)]
    expect(histograms.length).toBe([...readLatencyLog(pristine, [])].length)
    expect(warnings).toEqual(['latency.hlog: last line is incomplete (the run was cut off mid-write); ignored'])
  })

  it('skips a corrupted histogram line in the middle and says where', () => {
    const dir = copy('corrupt')
    const file = path.join(dir, 'latency.hlog')
    const lines = readFileSync(file, 'utf8').split('\n')
    const at = lines.findIndex((l) => l.startsWith('Tag=e1,'))
    lines[at] = lines[at]!.replace(/HISTF\S+$/, 'HISTFnot-base64!!')
    writeFileSync(file, lines.join('\n'))
    const warnings: string[] = []
    const read = [...readLatencyLog(dir, warnings)]
    expect(read.length).toBe([...readLatencyLog(pristine, [])].length - 1)
    expect(warnings).toEqual([`latency.hlog:${at + 1}: histogram cannot be decoded; ignored`])
  })

  it('reads a killed run (run.json still says running) and names endpoints from events', () => {
    const dir = copy('killed')
    const runFile = path.join(dir, 'run.json')
    const json = JSON.parse(readFileSync(runFile, 'utf8'))
    writeFileSync(runFile, JSON.stringify({ ...json, status: 'running', endpoints: [], steps: [], endedAt: undefined, result: undefined }))
    const run = readRun(dir)
    expect(run.complete).toBe(false)
    expect([...run.endpoints.values()].sort()).toEqual(['GET /a/:id', 'GET /b'])
    expect([...run.steps.values()]).toEqual(['s'])
    expect(run.warnings.some((w) => /never recorded its end/.test(w))).toBe(true)
  })

  it.each([
    ['a missing run.json', (d: string) => rmSync(path.join(d, 'run.json')), /missing run\.json: not an lmsload run directory/],
    ['run.json that is not JSON', (d: string) => writeFileSync(path.join(d, 'run.json'), '{"schema":'), /run\.json is not valid JSON/],
    ['an unknown schema version', (d: string) => {
      const f = path.join(d, 'run.json')
      writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), schema: 'lmsload.run/9' }))
    }, /run\.json has schema "lmsload\.run\/9"; this lmsload reads lmsload\.run\/1/],
    ['a run.json missing a field', (d: string) => {
      const f = path.join(d, 'run.json')
      const { plan: _plan, ...rest } = JSON.parse(readFileSync(f, 'utf8'))
      writeFileSync(f, JSON.stringify(rest))
    }, /run\.json must have required property 'plan'/],
    // The schema is generated from RunJson: a field the type requires deep inside is checked too.
    ['a run.json whose environment lacks its Node version', (d: string) => {
      const f = path.join(d, 'run.json')
      const run = JSON.parse(readFileSync(f, 'utf8'))
      delete run.environment.node
      writeFileSync(f, JSON.stringify(run))
    }, /run\.json\/environment must have required property 'node'/],
    ['a run.json with a spacing this version does not know', (d: string) => {
      const f = path.join(d, 'run.json')
      const run = JSON.parse(readFileSync(f, 'utf8'))
      run.options.spacing = 'bursty'
      writeFileSync(f, JSON.stringify(run))
    }, /run\.json\/options\/spacing must be equal to one of the allowed values/],
    ['a missing intervals.ndjson', (d: string) => rmSync(path.join(d, 'intervals.ndjson')), /missing intervals\.ndjson/],
  ])('refuses %s with a one-line error naming the directory', (name, damage, message) => {
    const dir = copy(name.replace(/\W+/g, '-'))
    damage(dir)
    expect(() => readRun(dir)).toThrow(message)
    expect(() => readRun(dir)).toThrow(dir)
  })
})
