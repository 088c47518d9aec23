// Writes the published JSON Schemas (docs/*.schema.json) from the code that defines them.
// `npm run docs:schemas`; tests fail when a published schema is out of date.
import { writeFileSync } from 'node:fs'
import { BUDGET_FILE_SCHEMA } from '../src/analyze/budgets/schema.ts'
import { analysisJsonSchema } from './analysis-schema.ts'

writeFileSync(new URL('../docs/budgets.schema.json', import.meta.url), `${JSON.stringify(BUDGET_FILE_SCHEMA, null, 2)}\n`)
writeFileSync(new URL('../docs/analysis.schema.json', import.meta.url), `${JSON.stringify(analysisJsonSchema(), null, 2)}\n`)
