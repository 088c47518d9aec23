// Worker threads strip no TypeScript: their .ts modules reach them stripped by the thread that
// started them (src/engine/typescript-threads.ts; Amaro's WebAssembly in several isolates crashed
// Node 24.21 in a clean-clone CI run). A real worker, real files in a temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { serveStrippedSources, STRIPPED_WORKER_BOOTSTRAP } from '../../src/engine/typescript-threads.ts'

const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-ts-threads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function start(entry: string): { worker: Worker; served: string[]; result: Promise<unknown> } {
  const strip = serveStrippedSources()
  const worker = new Worker(STRIPPED_WORKER_BOOTSTRAP, {
    eval: true, workerData: { entry: pathToFileURL(path.join(dir, entry)).href, strip: strip.channel }, transferList: strip.transfer,
  })
  const result = new Promise((resolve, reject) => {
    worker.once('message', resolve)
    worker.once('error', reject)
  })
  void once(worker, 'exit').then(() => strip.close())
  return { worker, served: strip.served, result }
}

describe('TypeScript for worker threads', () => {
  it('runs a .ts entry and its .ts imports, every one stripped by the starting thread, positions kept', async () => {
    writeFileSync(path.join(dir, 'helper.ts'), 'export interface Point { x: number }\nexport const twice = (p: Point): number => 2 * p.x\n')
    writeFileSync(path.join(dir, 'entry.ts'), [
      "import { parentPort } from 'node:worker_threads'",
      "import { twice, type Point } from './helper.ts'",
      'const p: Point = { x: 21 }',
      'const where = (new Error().stack ?? "").split("\\n")[1]',
      'parentPort!.postMessage({ value: twice(p), where })',
      '',
    ].join('\n'))
    const { served, result } = start('entry.ts')
    const { value, where } = (await result) as { value: number; where: string }
    expect(value).toBe(42)
    // Line 4, column 16 of the TypeScript source: stripping replaced types with blanks.
    expect(where).toContain('entry.ts:4:16')
    expect(served.map((u) => path.basename(u)).sort()).toEqual(['entry.ts', 'helper.ts'])
  })

  it('fails the import of a module that does not parse, naming the file', async () => {
    writeFileSync(path.join(dir, 'broken.ts'), 'export const x: number = (\n')
    writeFileSync(path.join(dir, 'uses-broken.ts'), [
      "import { parentPort } from 'node:worker_threads'",
      "import('./broken.ts').then(() => parentPort!.postMessage({ error: 'none' }), (e: Error & { code?: string }) => parentPort!.postMessage({ error: e.message, code: e.code, name: e.name }))",
      '',
    ].join('\n'))
    const { result } = start('uses-broken.ts')
    expect(await result).toEqual({ error: `${path.join(dir, 'broken.ts')}: Expression expected`, code: 'ERR_INVALID_TYPESCRIPT_SYNTAX', name: 'SyntaxError' })
  })
})
