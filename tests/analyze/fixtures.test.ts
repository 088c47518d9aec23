// The analysis.json contract pinned on recorded run directories, one of each kind lmsload writes
// (tests/fixtures/runs, recorded by scripts/record-fixtures.ts with the analysis.json lmsload wrote
// then): analysing each again must give the same analysis.json, field by field. A refactor of the
// reader, the statistics or the rules that changes a number shows up here as a diff; a deliberate,
// versioned change of the contract re-writes the expected files (`--reanalyze`) in the same commit.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { analyzeDir } from '../../src/app/analyze.ts'

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'runs')
const KINDS = ['run', 'ladder', 'drill', 'k6-import', 'jmeter-import', 'probe']

/** What legitimately differs between two analyses of one directory: when, and where it was read. */
function comparable(analysis: unknown): Record<string, unknown> {
  const { generatedAt: _, ...rest } = JSON.parse(JSON.stringify(analysis)) as Record<string, unknown> & { run: { dir?: string } }
  delete rest.run.dir
  return rest
}

describe('analysis.json of recorded run directories', () => {
  it('holds one fixture of each kind of run directory', () => {
    expect(readdirSync(FIXTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()).toEqual([...KINDS].sort())
  })

  it.each(KINDS)('%s: analysed again, field by field the same', (kind) => {
    const dir = path.join(FIXTURES, kind)
    const expected = JSON.parse(readFileSync(path.join(dir, 'analysis.json'), 'utf8')) as unknown
    const { analysis } = analyzeDir(dir, { write: false })
    expect(comparable(analysis)).toEqual(comparable(expected))
  })
})
