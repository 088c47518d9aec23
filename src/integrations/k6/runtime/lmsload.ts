// What `import … from 'lmsload'` means inside a k6 script bundled by `lmsload export k6`: the same
// scenario API as on Node (the profiles, think times and validation are the same code), nothing else.
export { defineScenario, arrival, concurrency, think, SIZES } from '../../../scenario/index.ts'
export type {
  ArrivalProfile, ConcurrencyProfile, ConcurrencyStage, ThinkTime, ThinkDistribution, SizeName, Scenario, ScenarioDefinition,
  ScenarioOptions, Journey, Learner, RequestOptions, Response, TransportError, SetupContext, Budgets,
} from '../../../scenario/index.ts'

// Run parameters in k6: `k6 run -e KEY=VALUE`. A secret is read from k6's environment only, so an
// exported script never holds a secret's value (pass it to k6 as -e TOKEN=$TOKEN, or from a Secret).
declare const __ENV: Record<string, string | undefined>

function k6Missing(api: string, key: string): never {
  throw new Error(`${api}('${key}'): not given; run k6 with -e ${key}=…`)
}

function k6Env(key: string, fallback?: string): string {
  return __ENV[key] ?? fallback ?? k6Missing('env', key)
}

export const env = Object.assign(k6Env, {
  number: (key: string, fallback?: number): number => {
    const v = __ENV[key]
    if (v === undefined) return fallback ?? k6Missing('env.number', key)
    const n = Number(v)
    if (!Number.isFinite(n)) throw new Error(`env.number('${key}'): -e ${key}=${v} is not a number`)
    return n
  },
  boolean: (key: string, fallback?: boolean): boolean => {
    const v = __ENV[key]
    if (v === undefined) return fallback ?? k6Missing('env.boolean', key)
    return ['true', 'yes', '1'].includes(v.trim().toLowerCase())
  },
})

export function secret(key: string): string {
  return __ENV[key] ?? k6Missing('secret', key)
}

/** Data files are not bundled into exported k6 scripts yet: refused at the script's start, in one line. */
export const data = {
  csv(file: string): never {
    throw new Error(`data.csv('${file}'): data files are not available in an exported k6 script (use k6's SharedArray with open() in a k6-specific scenario)`)
  },
  json(file: string): never {
    throw new Error(`data.json('${file}'): data files are not available in an exported k6 script (use k6's SharedArray with open() in a k6-specific scenario)`)
  },
}
