// The use cases, one door into app/ for the CLI (and anything embedding lmsload's commands). Each
// use case is loaded on first use: `lmsload --help`, `--version` or a refused flag loads none of the
// engine, analyzer, HTTP clients, bundlers or compilers (start-up: npm run bench:startup). Only
// constants and types are exported directly.
export const useCases = {
  run: () => import('./run.ts'),
  analyze: () => import('./analyze.ts'),
  report: () => import('./report.ts'),
  compare: () => import('./compare.ts'),
  capacity: () => import('./capacity.ts'),
  drill: () => import('./drill.ts'),
  probe: () => import('./probe.ts'),
  import: () => import('./import.ts'),
  exportK6: () => import('./export-k6.ts'),
  recordHar: () => import('./record-har.ts'),
  init: () => import('./init.ts'),
  check: () => import('./check.ts'),
  scenarios: () => import('./scenarios.ts'),
  setup: () => import('./setup.ts'),
  merge: () => import('./merge.ts'),
  exportK8s: () => import('./export-k8s.ts'),
} as const

export { BACKEND_CLI } from './bundled-backend.ts'
export { DEMO_SCALE, DEMO_SCENARIO } from './demo.ts'
export { isSizeName, SIZES, type SizeName } from './sizes.ts'
export type { Progress } from './progress.ts'
export type { RunHooks, RunOutcome, RunRequest } from './run.ts'
export type { Comparison } from './compare.ts'
export type { DrillPlan } from './drill.ts'
export type { Analysis, BudgetResult, EndpointSummary, Finding } from '../analyze/analysis.ts'
