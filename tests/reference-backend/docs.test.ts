import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backendTables, readmeBlock } from '../../scripts/backend-docs.ts'
import { renderOpenApi, type OpenApiDocument } from '../../scripts/openapi-docs.ts'
import { seededDatabase, startBackend, type TestBackend, type TestDatabase } from '../helpers/backend.ts'
import { families } from '../helpers/prom.ts'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')

describe('the README tells the truth about the backend', () => {
  let db: TestDatabase
  let backend: TestBackend

  beforeAll(async () => {
    db = await seededDatabase('sqlite')
    backend = await startBackend(db)
  })
  afterAll(async () => {
    await backend?.close()
    await db?.drop()
  })

  it('has the profile and knob tables generated from the code (npm run docs:backend)', () => {
    expect(readmeBlock(readme)).toBe(backendTables())
  })

  it('lists every route the server registers, and no route it does not', () => {
    const documented = [...readme.matchAll(/^\| `((?:GET|POST|PUT|PATCH|DELETE) \/[^`]*)` \|/gm)].map((m) => m[1]!)
    expect(backend.routes.length).toBeGreaterThan(20)
    expect([...documented].sort()).toEqual([...backend.routes].sort())
  })

  it('has docs/reference-backend-api.md rendered from the served /openapi.json (npm run docs:backend)', async () => {
    const doc = (await backend.api.get('/openapi.json')).body as OpenApiDocument
    expect(readFileSync(new URL('../../docs/reference-backend-api.md', import.meta.url), 'utf8')).toBe(renderOpenApi(doc))
  })

  it('lists every lms_ metric family the server exposes', async () => {
    const exposed = [...families(await backend.api.metrics())].filter((f) => f.startsWith('lms_'))
    expect(exposed.length).toBeGreaterThan(10)
    for (const family of exposed) expect(readme, family).toContain(`\`${family}`)
  })
})
