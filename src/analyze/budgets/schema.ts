import { BUDGET_RULE_PATTERN } from '../../core/budget-rule.ts'

// The JSON Schema of budget files (`--budget file.json`); published as docs/budgets.schema.json
// for editors (tests/analyze/budgets/budgets.test.ts keeps the two identical).
export const BUDGET_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://lmsload.dev/schemas/budgets.schema.json',
  title: 'lmsload budgets',
  description: "Latency, error, throughput, check, dropped-arrival and journey-failure budgets. Targets: 'overall', an endpoint ('GET /api/courses/:id'), 'step:<name>', 'check:<label>', 'journeys' or 'journey:<name>' (these take 'failed < N%' only; without one, 'journeys': ['failed < 1%'] applies).",
  type: 'object',
  required: ['budgets'],
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    budgets: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'string',
          pattern: BUDGET_RULE_PATTERN,
          examples: ['p95 < 800ms', 'p(99) <= 2s', 'errors < 1%', 'rps > 50', 'checks > 99%', 'dropped < 0.5%', 'failed < 1%'],
        },
      },
    },
  },
} as const
