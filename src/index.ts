// The package root: `import { defineScenario, arrival, think } from 'lmsload'`.
export { defineScenario, arrival, concurrency, think, SIZES } from './scenario/index.ts'
export type {
  ArrivalProfile, ConcurrencyProfile, ConcurrencyStage, ThinkTime, ThinkDistribution, SizeName, Scenario, ScenarioDefinition,
  ScenarioOptions, Journey, Learner, RequestOptions, Response, TransportError, SetupContext, Budgets,
} from './scenario/index.ts'
