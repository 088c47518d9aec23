// Stage 7 of analyzeRun: the scenario's budgets, the file's, and the default journey budget, judged.
import { DEFAULT_JOURNEY_BUDGET, JOURNEYS_TARGET } from '../../core/budget-rule.ts'
import type { RecordedRun } from '../../record/reader.ts'
import type { BudgetResult } from '../analysis.ts'
import { evaluateBudgets, type Budgets } from '../budgets/evaluate.ts'

type BudgetSubject = Parameters<typeof evaluateBudgets>[1]

export function runBudgets(run: RecordedRun, budgetFile: { budgets: Budgets; where: string } | undefined, subject: BudgetSubject): BudgetResult[] {
  const budgetSets: Parameters<typeof evaluateBudgets>[0] = [{ budgets: run.run.scenario.budgets as Budgets, source: 'scenario', where: `${run.run.scenario.file} budgets` }]
  if (budgetFile) budgetSets.push({ budgets: budgetFile.budgets, source: 'file', where: budgetFile.where })
  // A crashing script fails the gate unless the user set their own journey budget (docs/analysis.md).
  if (!budgetSets.some((set) => JOURNEYS_TARGET in set.budgets)) budgetSets.push({ budgets: { [JOURNEYS_TARGET]: [DEFAULT_JOURNEY_BUDGET] }, source: 'default', where: 'the default journey budget' })
  return evaluateBudgets(budgetSets, subject)
}
