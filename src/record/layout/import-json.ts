// import.json: where an imported run's data came from (`lmsload import`, `lmsload probe`) and how it
// agrees with the tool's own summary. Written beside run.json when the import ends.

export const IMPORT_SCHEMA = 'lmsload.import/1'

/** import.json: where an imported run's data came from (`lmsload import`, `lmsload probe`) and how it agrees with the tool's own summary. */
export interface ImportJson {
  schema: typeof IMPORT_SCHEMA
  /** k6, jmeter, autocannon */
  tool: string
  requests: number
  seconds: number
  /** The tool's own numbers against lmsload's, one row per number compared. */
  comparison: unknown[]
  [detail: string]: unknown
}

export const IMPORT_JSON_SCHEMA = {
  type: 'object',
  properties: { schema: { const: IMPORT_SCHEMA }, tool: { type: 'string' }, requests: { type: 'number' }, seconds: { type: 'number' }, comparison: { type: 'array' } },
  required: ['schema', 'tool', 'requests', 'seconds', 'comparison'],
} as const
