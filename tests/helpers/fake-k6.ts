// A stand-in for k6's JS runtime, for the k6 export tests: k6 itself cannot be installed here, so
// an exported script is run in a bare V8 context (no Node globals, no require but k6's modules)
// whose k6/http sends real requests to a real server. It checks what the adapter does with k6's
// API; how k6 schedules iterations is k6's business (and @types/k6 is the API's contract).
import { readFileSync } from 'node:fs'
import vm from 'node:vm'
import * as esbuild from 'esbuild'
import { request } from 'undici'

export interface K6Request {
  method: string
  url: string
  tags: Record<string, string>
  status: number
  expected: Array<number | { min: number; max: number }>
  responseType: string | undefined
  redirects: number | undefined
  /** The k6 iteration (learner id) that sent it. */
  iteration: number
}

export interface K6Sample {
  metric: string
  value: number | boolean
  tags: Record<string, string>
}

export interface FakeK6 {
  options: any
  requests: K6Request[]
  checks: Array<{ name: string; passed: boolean; tags: Record<string, string> }>
  samples: K6Sample[]
  sleptSeconds: number
  setup(): Promise<unknown>
  /** Runs iterations `from`…`from + count − 1` one after another (as k6 VUs would, with no waiting). */
  learners(data: unknown, count: number, from?: number): Promise<Array<{ id: number; error?: string }>>
}

function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
}

export function loadK6Script(file: string, env: Record<string, string> = {}): FakeK6 {
  const code = esbuild.transformSync(readFileSync(file, 'utf8'), { format: 'cjs', loader: 'js', target: 'es2020' }).code
  const fake: FakeK6 = { options: undefined, requests: [], checks: [], samples: [], sleptSeconds: 0, setup: null!, learners: null! }
  const execution = { scenario: { startTime: Date.now(), iterationInTest: 0, name: 'learners' }, vu: { tags: {} as Record<string, string> } }
  class Metric {
    readonly name: string
    constructor(name: string) {
      this.name = name
    }
    add(value: number | boolean, tags: Record<string, string> = {}) {
      fake.samples.push({ metric: this.name, value, tags })
    }
  }
  const modules: Record<string, unknown> = {
    k6: {
      sleep: (s: number) => { fake.sleptSeconds += s },
      check: (value: unknown, sets: Record<string, (v: unknown) => boolean>, tags: Record<string, string> = {}) => {
        let all = true
        for (const [name, fn] of Object.entries(sets)) {
          const passed = fn(value) === true
          fake.checks.push({ name, passed, tags })
          all &&= passed
        }
        return all
      },
    },
    // CommonJS interop (esbuild's __toESM): a module without __esModule is its own default export.
    'k6/execution': execution,
    'k6/metrics': { Trend: Metric, Rate: Metric, Counter: Metric, Gauge: Metric },
    'k6/http': {
      ...{
        CookieJar: class {},
        expectedStatuses: (...expected: Array<number | { min: number; max: number }>) => ({ expected }),
        asyncRequest: async (method: string, url: string, body: string | ArrayBuffer | null, params: any = {}) => {
          const started = performance.now()
          const record: K6Request = {
            method, url, tags: params.tags ?? {}, status: 0, expected: params.responseCallback?.expected ?? [],
            responseType: params.responseType, redirects: params.redirects, iteration: execution.scenario.iterationInTest,
          }
          fake.requests.push(record)
          try {
            const res = await request(url, { method: method as never, body: body === null ? undefined : typeof body === 'string' ? body : Buffer.from(body), headers: params.headers })
            const text = await res.body.text()
            record.status = res.statusCode
            const headers: Record<string, string> = {}
            for (const [k, v] of Object.entries(res.headers)) headers[canonicalHeader(k)] = Array.isArray(v) ? v.join(', ') : String(v)
            return {
              status: res.statusCode, body: params.responseType === 'none' ? null : text, headers, error: '', error_code: 0,
              timings: { duration: performance.now() - started },
            }
          } catch (error) {
            const refused = (error as { code?: string }).code === 'ECONNREFUSED'
            return { status: 0, body: null, headers: {}, error: String(error), error_code: refused ? 1212 : 1000, timings: { duration: performance.now() - started } }
          }
        },
      },
    },
  }
  const module = { exports: {} as Record<string, any> }
  const context = vm.createContext({
    module, exports: module.exports, __ENV: env, console,
    require: (name: string) => {
      if (!(name in modules)) throw new Error(`the script requires '${name}', which is not a k6 module`)
      return modules[name]
    },
  })
  vm.runInContext(code, context, { filename: file })
  const script = module.exports
  fake.options = script.options
  fake.setup = () => script.setup()
  fake.learners = async (data, count, from = 0) => {
    const out: Array<{ id: number; error?: string }> = []
    for (let id = from; id < from + count; id++) {
      execution.scenario.iterationInTest = id
      try {
        await script.learner(data)
        out.push({ id })
      } catch (error) {
        out.push({ id, error: String(error) })
      }
    }
    return out
  }
  return fake
}
