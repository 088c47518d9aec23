import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CATALOGUE, EXIT, formatUserError, UserError } from '../../src/core/errors.ts'

const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

describe('error catalogue', () => {
  it('documents every code in docs/errors.md, with its exit status, and lists no extra', () => {
    const documented = new Map([...docs.matchAll(/^\| `(LMSLOAD_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])]))
    const catalogued = new Map(Object.entries(ERROR_CATALOGUE).map(([code, entry]) => [code, entry.exit as number]))
    expect(documented).toEqual(catalogued)
  })

  it('documents the exit codes of DESIGN.md', () => {
    expect(EXIT).toEqual({ ok: 0, usage: 1, gateFailed: 99, interrupted: 130 })
    for (const code of Object.values(EXIT)) expect(docs).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'))
  })

  it('formats a user error as one line with its hint', () => {
    const error = new UserError('LMSLOAD_BAD_DURATION', "--duration: expected a duration like '30s', got '10x'", 'units are us, ms, s, m, h')
    expect(formatUserError(error)).toBe("--duration: expected a duration like '30s', got '10x' (units are us, ms, s, m, h)")
    expect(error.exitCode).toBe(1)
  })
})
