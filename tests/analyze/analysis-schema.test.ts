// analysis.json's contract pinned: its JSON Schema is generated from the TypeScript types
// (scripts/analysis-schema.ts), published in docs/, matched by every recorded fixture's
// analysis.json, and frozen per schema version (tests/fixtures/analysis-schema/): a field of the
// published version removed, retyped or made optional fails here unless ANALYSIS_SCHEMA moves on.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { analysisJsonSchema } from '../../scripts/analysis-schema.ts'
import { ANALYSIS_SCHEMA } from '../../src/analyze/analysis.ts'

const ROOT = path.join(import.meta.dirname, '..', '..')
const generated = analysisJsonSchema()
const frozenFile = path.join(ROOT, 'tests', 'fixtures', 'analysis-schema', `${ANALYSIS_SCHEMA.replace('/', '-')}.schema.json`)

type Node = Record<string, unknown>

/** Where a frozen schema and today's differ in a way a reader of the frozen version would notice. */
function breakingChanges(frozen: Node, current: Node): string[] {
  const problems: string[] = []
  const resolve = (root: Node, n: Node): Node => {
    let node = n
    for (let i = 0; typeof node.$ref === 'string' && i < 20; i++) {
      node = ((root.definitions as Record<string, Node>)[(node.$ref as string).replace('#/definitions/', '')] ?? {})
    }
    return node
  }
  const shape = (root: Node, n: Node): string => JSON.stringify(n, (key, value: unknown) => {
    if (key === 'description') return undefined
    if (value && typeof value === 'object' && typeof (value as Node).$ref === 'string') return resolve(root, value as Node)
    return value
  })
  const walk = (was: Node, now: Node, at: string, depth: number): void => {
    const a = resolve(frozen, was)
    const b = resolve(current, now)
    if (depth > 30) return
    if (JSON.stringify(a.type) !== JSON.stringify(b.type)) problems.push(`${at}: type ${JSON.stringify(a.type)} became ${JSON.stringify(b.type)}`)
    if (a.const !== b.const) problems.push(`${at}: const ${JSON.stringify(a.const)} became ${JSON.stringify(b.const)}`)
    for (const name of (a.required as string[] | undefined) ?? []) {
      if (!((b.required as string[] | undefined) ?? []).includes(name)) problems.push(`${at}.${name}: no longer always present`)
    }
    const props = (a.properties as Record<string, Node> | undefined) ?? {}
    const nowProps = (b.properties as Record<string, Node> | undefined) ?? {}
    for (const [name, sub] of Object.entries(props)) {
      if (!nowProps[name]) problems.push(`${at}.${name}: removed`)
      else walk(sub, nowProps[name]!, `${at}.${name}`, depth + 1)
    }
    if (a.items && b.items) walk(a.items as Node, b.items as Node, `${at}[]`, depth + 1)
    if (a.additionalProperties && typeof a.additionalProperties === 'object' && b.additionalProperties && typeof b.additionalProperties === 'object') {
      walk(a.additionalProperties as Node, b.additionalProperties as Node, `${at}{}`, depth + 1)
    }
    for (const key of ['anyOf', 'enum'] as const) {
      const before = ((a[key] as Node[] | undefined) ?? []).map((x) => shape(frozen, x))
      const after = new Set(((b[key] as Node[] | undefined) ?? []).map((x) => shape(current, x)))
      if (before.length !== after.size || before.some((x) => !after.has(x))) problems.push(`${at}: ${key} changed`)
    }
  }
  walk(frozen, current, 'analysis', 0)
  return problems
}

describe('the analysis.json schema', () => {
  it('docs/analysis.schema.json is what the types generate (npm run docs:schemas)', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'docs', 'analysis.schema.json'), 'utf8'))).toEqual(generated)
  })

  it('every recorded analysis.json matches it, with no field the types do not name', () => {
    const validate = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false }).compile(generated)
    const runs = path.join(ROOT, 'tests', 'fixtures', 'runs')
    for (const kind of readdirSync(runs, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)) {
      const ok = validate(JSON.parse(readFileSync(path.join(runs, kind, 'analysis.json'), 'utf8')))
      expect(ok, `${kind}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true)
    }
  })

  it(`keeps every field of the frozen ${ANALYSIS_SCHEMA} as it was (a breaking change needs a new version)`, () => {
    expect(existsSync(frozenFile), `${path.relative(ROOT, frozenFile)}: a new schema version freezes its schema here`).toBe(true)
    const frozen = JSON.parse(readFileSync(frozenFile, 'utf8')) as Node
    expect(breakingChanges(frozen, generated)).toEqual([])
  })

  it('notices a removed field, a changed type and a field made optional', () => {
    const frozen = JSON.parse(readFileSync(frozenFile, 'utf8')) as Node
    const changed = JSON.parse(JSON.stringify(generated)) as Node & { definitions: Record<string, Node & { properties: Record<string, Node>; required: string[] }> }
    const root = changed.definitions.Analysis!
    delete root.properties.generatedAt
    root.required = root.required.filter((r) => r !== 'findings')
    root.properties.schema = { type: 'number' }
    expect(breakingChanges(frozen, changed)).toEqual(expect.arrayContaining([
      'analysis.generatedAt: removed',
      'analysis.findings: no longer always present',
      'analysis.schema: type "string" became "number"',
    ]))
  })
})
