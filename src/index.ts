// The package root: `import { defineScenario, arrival, think } from 'lmsload'`.
export { defineScenario, arrival, concurrency, think, SIZES } from './scenario/index.ts'
// Node only (not bundled into exported k6 scripts, whose runtime has its own): data files and run parameters.
export { data } from './scenario/data.ts'
export type { DataTable, DataOptions, HandOut } from './scenario/data.ts'
export { env, secret } from './scenario/params.ts'
export type {
  ArrivalProfile, ConcurrencyProfile, ConcurrencyStage, ThinkTime, ThinkDistribution, SizeName, Scenario, ScenarioDefinition,
  ScenarioOptions, Journey, Learner, RequestOptions, Response, TransportError, SetupContext, Budgets,
  StreamDefinition, AbortingRule, BudgetsDefinition,
} from './scenario/index.ts'
