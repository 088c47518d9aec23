// What `import … from 'lmsload'` means inside a k6 script bundled by `lmsload export k6`: the same
// scenario API as on Node (the profiles, think times and validation are the same code), nothing else.
export { defineScenario, arrival, concurrency, think, SIZES } from '../../../scenario/index.ts'
export type {
  ArrivalProfile, ConcurrencyProfile, ConcurrencyStage, ThinkTime, ThinkDistribution, SizeName, Scenario, ScenarioDefinition,
  ScenarioOptions, Journey, Learner, RequestOptions, Response, TransportError, SetupContext, Budgets,
} from '../../../scenario/index.ts'
