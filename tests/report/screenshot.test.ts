// The README shows a screenshot of a real report; it must be regenerated when the report changes.
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { reportSourcesHash } from '../../scripts/report-sources.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

describe('the README screenshot', () => {
  it('exists, is shown in the README, and was taken from the current report renderer', () => {
    const png = path.join(root, 'docs/img/report.png')
    expect(existsSync(png)).toBe(true)
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG')
    expect(statSync(png).size).toBeGreaterThan(50_000)
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('](docs/img/report.png)')
    const meta = JSON.parse(readFileSync(path.join(root, 'docs/img/report.json'), 'utf8'))
    expect(meta.sources, 'src/report/ changed since the screenshot: run `npm run docs:screenshot`').toBe(reportSourcesHash(root))
  })
})
