// Adding a finding rule is adding a file, and its table-driven test beside these: every rule the
// analyzer runs is described by one of the test files in this folder.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RULES } from '../../../src/analyze/findings/index.ts'

const tests = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(new URL(f, `file://${import.meta.dirname}/`), 'utf8')).join('\n')

describe('finding rules', () => {
  it.each(RULES.map((r) => r.id))('%s has its own table-driven test', (id) => {
    expect(tests).toMatch(new RegExp(`describe\\('${id}'|'${id}: `))
  })
})
