import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { data } from '../../src/scenario/data.ts'

const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-data-unit-'))
const file = (name: string, content: string | Buffer) => {
  const full = path.join(dir, name)
  writeFileSync(full, content)
  return full
}

describe('data.csv and data.json', () => {
  it('reads a CSV with a header (BOM and CRLF too) into rows of strings', () => {
    const t = data.csv(file('a.csv', '\ufeffusername,password\r\nann,x\r\nbob,y\r\n'))
    expect(t.rows).toBe(2)
    expect(t.row(1)).toEqual({ username: 'bob', password: 'y' })
  })

  it('hands out rows as a pure function of (id, seed): in order, seeded, unique', () => {
    const csv = file('ids.csv', ['id', ...Array.from({ length: 10 }, (_, i) => String(i))].join('\n'))
    const seq = data.csv(csv)
    const random = data.csv(csv, { handOut: 'random' })
    const unique = data.csv(csv, { handOut: 'unique' })
    expect([0, 1, 9, 10, 23].map((id) => seq.for({ id, seed: 1 }).id)).toEqual(['0', '1', '9', '0', '3'])
    const draws = (seed: number) => Array.from({ length: 50 }, (_, id) => random.for({ id, seed }).id)
    expect(draws(1)).toEqual(draws(1))
    expect(draws(1)).not.toEqual(draws(2))
    expect(new Set(draws(1)).size).toBeGreaterThan(5)
    expect(unique.for({ id: 9, seed: 1 }).id).toBe('9')
    expect(() => unique.for({ id: 10, seed: 1 })).toThrow(/ids\.csv: learner 10 has no row of its own \(the file has 10/)
  })

  it('reads a JSON array of objects', () => {
    const t = data.json(file('c.json', JSON.stringify([{ id: 7, name: 'Algebra' }, { id: 8, name: 'Physics' }])), { columns: ['id'] })
    expect(t.for({ id: 1, seed: 1 })).toEqual({ id: 8, name: 'Physics' })
  })

  it.each([
    [() => data.csv(path.join(dir, 'missing.csv')), /data\.test\.ts:\d+: data\.csv: cannot read .*missing\.csv \(no such file\)/],
    [() => data.csv(file('empty.csv', '')), /empty\.csv: empty: a header row and at least one row are needed/],
    [() => data.csv(file('header.csv', 'a,b\n')), /header\.csv: a header row but no rows/],
    [() => data.csv(file('cols.csv', 'user,pass\nann,x\n'), { columns: ['username'] }), /cols\.csv:1: no column 'username' \(the header has: user, pass\)/],
    [() => data.csv(file('ragged.csv', 'a,b\n1,2\n3,4,5\n')), /ragged\.csv:3: 3 fields where the header has 2/],
    [() => data.csv(file('latin1.csv', Buffer.from([0x61, 0x0a, 0x31, 0x0a, 0xe9, 0x0a]))), /latin1\.csv:3: not UTF-8 text/],
    [() => data.csv(file('h.csv', 'a\n1\n'), { handOut: 'shuffled' as never }), /'handOut' must be one of sequential, random, unique/],
    [() => data.json(file('bad.json', '{')), /bad\.json: not JSON/],
    [() => data.json(file('obj.json', '{"a":1}')), /obj\.json: expected an array of rows \(objects\), got object/],
    [() => data.json(file('row.json', '[{"a":1}, 2]')), /row\.json: row 1 is not an object/],
    [() => data.json(file('field.json', '[{"a":1}]'), { columns: ['id'] }), /field\.json: row 0 has no field 'id'/],
  ])('refuses a bad file in one line with where: %#', (read, message) => {
    expect(read).toThrow(message)
  })
})
