// The analysis contract, for the CLI (which may import app and core only).
export type { Analysis, Finding, BudgetResult, EndpointSummary } from '../analyze/analysis.ts'
