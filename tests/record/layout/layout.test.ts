// The run directory's one owner (src/record/layout/): the hlog tag grammar both ways, every line
// lmsload recorded in the fixtures valid against its line type, a line that is not dropped with its
// file:line and field, and the side files written atomically and read back validated.
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FILES } from '../../../src/record/layout/files.ts'
import { readNdjson } from '../../../src/record/layout/ndjson.ts'
import { acknowledgedWrites, readDrill, readImportJson, writeAcknowledgedWrites } from '../../../src/record/layout/side-files.ts'
import { endpointId, parseTag, START_LAG_TAG, stepId, timingTag } from '../../../src/record/layout/tags.ts'
import { validateDrillJson, validateEventLine, validateIntervalLine, validateResourceLine } from '../../../src/record/layout/validate.ts'
import { validatorsSource, VALIDATORS_FILE } from '../../../scripts/validators.ts'
import { readRun } from '../../../src/record/reader.ts'

const FIXTURES = path.join(import.meta.dirname, '..', '..', 'fixtures', 'runs')
const kinds = readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-layout-'))

function copyOf(kind: string): string {
  const dir = path.join(scratch, `${kind}-${Math.random().toString(36).slice(2)}`)
  cpSync(path.join(FIXTURES, kind), dir, { recursive: true })
  return dir
}

describe('latency.hlog tags', () => {
  it.each([
    [endpointId(3), { kind: 'series', id: 'e3' }],
    [stepId(12), { kind: 'series', id: 's12' }],
    [timingTag(endpointId(2), 'db'), { kind: 'timing', endpoint: 'e2', component: 'db' }],
    [timingTag(endpointId(2), 'app.cache'), { kind: 'timing', endpoint: 'e2', component: 'app.cache' }],
    [START_LAG_TAG, { kind: 'start-lag' }],
  ])('%s reads back as what was written', (tag, parsed) => {
    expect(parseTag(tag)).toEqual(parsed)
  })
})

describe('line types', () => {
  it.each(kinds)('every line recorded in the %s fixture matches its line type', (kind) => {
    const warnings: string[] = []
    const dir = path.join(FIXTURES, kind)
    const lines = (file: string) => readFileSync(path.join(dir, file), 'utf8').trim().split('\n').filter(Boolean).length
    expect(readNdjson(path.join(dir, FILES.intervals), validateIntervalLine, warnings)).toHaveLength(lines(FILES.intervals))
    expect(readNdjson(path.join(dir, FILES.events), validateEventLine, warnings)).toHaveLength(lines(FILES.events))
    expect(readNdjson(path.join(dir, FILES.resources), validateResourceLine, warnings).length).toBeGreaterThanOrEqual(0)
    expect(warnings).toEqual([])
  })

  it('drops a line of the wrong shape with its file:line and field, and keeps the rest', () => {
    const dir = copyOf('probe')
    const file = path.join(dir, FILES.intervals)
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    lines[1] = lines[1]!.replace(/"planned":\d+/, '"planned":"many"')
    lines[2] = lines[2]!.replace(/"ts":\d+,/, '')
    writeFileSync(file, `${lines.join('\n')}\n`)
    const run = readRun(dir)
    expect(run.intervals).toHaveLength(lines.length - 2)
    expect(run.warnings).toContain(`${FILES.intervals}:2: /arrivals/planned must be number; line ignored`)
    expect(run.warnings).toContain(`${FILES.intervals}:3: (line) must have required property 'ts'; line ignored`)
  })

  it('checks a known event type field by field and lets a type it does not know pass', () => {
    const validate = validateEventLine
    expect(validate({ t: 1, type: 'write', kind: 'answer', key: 'a1', value: 3 })).toBe(true)
    expect(validate({ t: 1, type: 'write', kind: 'answer', value: 3 })).toBe(false)
    expect(validate({ t: 1, type: 'endpoint', id: 'e1' })).toBe(false)
    expect(validate({ t: 1, type: 'from-a-newer-lmsload', anything: true })).toBe(true)
  })
})

describe('side files', () => {
  it('drill.json: the recorded one validates; a damaged one is a warning and the run still reads', () => {
    const dir = copyOf('drill')
    expect(validateDrillJson(JSON.parse(readFileSync(path.join(dir, FILES.drill), 'utf8')))).toBe(true)
    const drill = JSON.parse(readFileSync(path.join(dir, FILES.drill), 'utf8')) as Record<string, unknown>
    delete drill.probe
    writeFileSync(path.join(dir, FILES.drill), JSON.stringify(drill))
    const warnings: string[] = []
    expect(readDrill(dir, warnings)).toBeUndefined()
    expect(warnings).toEqual([`${FILES.drill}: (line) must have required property 'probe'; drill results ignored`])
    expect(readRun(dir).drill).toBeUndefined()
  })

  it('acknowledged writes: taken from the write events, written whole, one JSON line each', () => {
    const dir = copyOf('drill')
    const writes = acknowledgedWrites(dir, [])
    const events = readFileSync(path.join(dir, FILES.events), 'utf8').split('\n').filter((l) => l.includes('"type":"write"'))
    expect(writes).toHaveLength(events.length)
    expect(writes.length).toBeGreaterThan(0)
    const file = writeAcknowledgedWrites(dir, writes)
    expect(path.basename(file)).toBe(FILES.acknowledgedWrites)
    expect(readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))).toEqual(writes)
  })

  it('import.json of a k6 import and of a probe validate', () => {
    for (const kind of ['k6-import', 'jmeter-import', 'probe']) {
      const warnings: string[] = []
      expect(readImportJson(path.join(FIXTURES, kind), warnings)?.requests, kind).toBeGreaterThan(0)
      expect(warnings).toEqual([])
    }
  })
})

describe('the compiled validators', () => {
  it('are up to date with the schemas (node scripts/validators.ts writes them)', () => {
    expect(readFileSync(VALIDATORS_FILE, 'utf8')).toBe(validatorsSource())
  })
})
