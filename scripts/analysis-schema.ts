// The JSON Schema of analysis.json, generated from its TypeScript types (src/analyze/analysis.ts)
// by ts-json-schema-generator: the types are the one definition, the schema is their published
// form (docs/analysis.schema.json, written by `npm run docs:schemas`).
import { createGenerator } from 'ts-json-schema-generator'
import { ANALYSIS_SCHEMA } from '../src/analyze/analysis.ts'

const ROOT = new URL('..', import.meta.url).pathname

export function analysisJsonSchema(): Record<string, unknown> {
  const generated = createGenerator({
    path: `${ROOT}src/analyze/analysis.ts`, tsconfig: `${ROOT}tsconfig.json`, type: 'Analysis',
    // The project's own typecheck covers the types; the generator only reads them.
    skipTypeCheck: true,
    // A field the types do not name is a field the contract does not have.
    additionalProperties: false,
  }).createSchema('Analysis')
  return { $id: ANALYSIS_SCHEMA, ...generated }
}
