// Writes the published JSON Schemas (docs/*.schema.json) from the code that validates them.
// `npm run docs:schemas`; tests fail when a published schema is out of date.
import { writeFileSync } from 'node:fs'
import { BUDGET_FILE_SCHEMA } from '../src/analyze/budgets/schema.ts'

writeFileSync(new URL('../docs/budgets.schema.json', import.meta.url), `${JSON.stringify(BUDGET_FILE_SCHEMA, null, 2)}\n`)
