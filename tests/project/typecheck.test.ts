import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

// vitest transpiles what Node would reject (enums, parameter properties, extensionless imports);
// tsc with erasableSyntaxOnly and nodenext proves Node 24 can run every file as written.
describe('TypeScript', () => {
  it('typechecks the whole project with the strict, Node-runnable settings', async () => {
    const result = await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '--noEmit', '-p', root], { cwd: root })
      .then(() => ({ code: 0, output: '' }), (e: { code: number; stdout: string }) => ({ code: e.code, output: e.stdout }))
    expect(result.output).toBe('')
    expect(result.code).toBe(0)
  })

  it('typechecks the k6 adapter against @types/k6 alone (no Node, no DOM)', async () => {
    const config = fileURLToPath(new URL('../../src/integrations/k6/runtime/tsconfig.json', import.meta.url))
    const result = await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', config], { cwd: root })
      .then(() => ({ code: 0, output: '' }), (e: { code: number; stdout: string }) => ({ code: e.code, output: e.stdout }))
    expect(result.output).toBe('')
    expect(result.code).toBe(0)
  })
})
