import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../src/core/atomic-write.ts'

// The one helper every whole-file write goes through, on the real file system.

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an old one whole, leaving no temporary file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-atomic-'))
    const file = path.join(dir, 'analysis.json')
    writeFileAtomic(file, 'first\n')
    expect(readFileSync(file, 'utf8')).toBe('first\n')
    writeFileAtomic(file, 'ünïcode second\n')
    expect(readFileSync(file, 'utf8')).toBe('ünïcode second\n')
    expect(readdirSync(dir)).toEqual(['analysis.json'])
  })

  it('fails without touching what is there and without leaving its temporary file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-atomic-'))
    // The target is a directory: the rename fails after the temporary file was written.
    const target = path.join(dir, 'report.html')
    mkdirSync(target)
    writeFileSync(path.join(target, 'inside'), 'kept')
    expect(() => writeFileAtomic(target, '<html>')).toThrow(/EISDIR|ENOTDIR|EEXIST|ENOTEMPTY/)
    expect(readdirSync(dir)).toEqual(['report.html'])
    expect(readFileSync(path.join(target, 'inside'), 'utf8')).toBe('kept')
    // A missing folder: nothing is created.
    expect(() => writeFileAtomic(path.join(dir, 'missing', 'run.json'), '{}')).toThrow(/ENOENT/)
    expect(existsSync(path.join(dir, 'missing'))).toBe(false)
  })
})
