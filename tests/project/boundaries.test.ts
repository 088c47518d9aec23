import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const depcruise = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs')
const run = promisify(execFile)

async function cruise(cwd: string, targets: string[]): Promise<{ code: number; output: string }> {
  try {
    const r = await run(process.execPath, [depcruise, ...targets, '--config', '.dependency-cruiser.cjs', '--output-type', 'err-long'], { cwd })
    return { code: 0, output: r.stdout + r.stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, output: e.stdout + e.stderr }
  }
}

const scratch = mkdtempSync(path.join(tmpdir(), 'lmsload-boundaries-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('import boundaries of DESIGN.md', () => {
  it('hold for the project', async () => {
    const r = await cruise(root, ['src', 'reference-backend'])
    expect(r.code, r.output).toBe(0)
    expect(r.output).toMatch(/no dependency violations found \((\d{2,}) modules/)
  })

  it('catch a stage importing downstream, a report importing analyzer code, and src reaching the backend', async () => {
    const files: Record<string, string> = {
      'src/cli/main.ts': 'export const x = 1\n',
      'src/core/leaf.ts': "import { x } from '../cli/main.ts'\nexport const y = x\n",
      'src/analyze/stats.ts': 'export type Stat = number\nexport const compute = () => 1\n',
      'src/report/ok.ts': "import type { Stat } from '../analyze/stats.ts'\nexport const s: Stat = 1\n",
      'src/report/bad.ts': "import { compute } from '../analyze/stats.ts'\nexport const c = compute()\n",
      'src/app/run.ts': "import { serve } from '../../reference-backend/src/server.ts'\nexport const r = serve\n",
      'reference-backend/src/server.ts': 'export const serve = 1\n',
    }
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true })
      writeFileSync(path.join(scratch, file), text)
    }
    copyFileSync(path.join(root, '.dependency-cruiser.cjs'), path.join(scratch, '.dependency-cruiser.cjs'))
    copyFileSync(path.join(root, 'tsconfig.json'), path.join(scratch, 'tsconfig.json'))
    const r = await cruise(scratch, ['src', 'reference-backend'])
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('core-imports-only-itself')
    expect(r.output).toContain('report-uses-analyze-types-only')
    expect(r.output).toContain('toolkit-and-backend-share-only-http')
    expect(r.output).not.toMatch(/report-uses-analyze-types-only[^\n]*ok\.ts/)
  })
})
