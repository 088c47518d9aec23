// Checks real responses against the reference backend's own OpenAPI document (GET /openapi.json):
// the operation is found by method and path template, the schema by status (exact, else 4xx/5xx).
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'
import type { ApiResponse } from './api.ts'

interface Operation {
  method: string
  template: string
  pattern: RegExp
  responses: Record<string, { content?: Record<string, { schema: object }> }>
}

export class OpenApiChecker {
  readonly operations: Operation[] = []
  /** 'GET /api/courses/{id} 200' for every response that was checked against a schema. */
  readonly checked = new Set<string>()
  readonly failures: string[] = []
  private readonly ajv = addFormats.default(new Ajv({ strict: false, allErrors: true })).addFormat('binary', true)
  private readonly compiled = new Map<object, ValidateFunction>()

  constructor(document: { paths: Record<string, Record<string, { responses: Operation['responses'] }>> }) {
    for (const [template, methods] of Object.entries(document.paths)) {
      const pattern = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`)
      for (const [method, op] of Object.entries(methods)) this.operations.push({ method: method.toUpperCase(), template, pattern, responses: op.responses })
    }
  }

  /** Every documented success (2xx) of every operation, as 'METHOD template status'. */
  documentedSuccesses(): string[] {
    return this.operations.flatMap((o) => Object.keys(o.responses).filter((s) => /^2\d\d$/.test(s)).map((s) => `${o.method} ${o.template} ${s}`))
  }

  check = (method: string, path: string, response: ApiResponse): void => {
    const bare = path.split('?')[0]!
    const op = this.operations.find((o) => o.method === method && o.pattern.test(bare))
    if (!op) {
      this.failures.push(`${method} ${bare}: not in the document`)
      return
    }
    const status = String(response.status)
    const documented = op.responses[status] ?? op.responses[`${status[0]}XX`]
    if (!documented) {
      this.failures.push(`${method} ${op.template}: status ${status} is not documented`)
      return
    }
    const key = `${method} ${op.template} ${status}`
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!
    if (!documented.content) {
      if (response.text !== '') this.failures.push(`${key}: documented without a body, answered ${response.text.length} bytes`)
      this.checked.add(key)
      return
    }
    const media = documented.content[type]
    if (!media) {
      this.failures.push(`${key}: answered ${type}, documented ${Object.keys(documented.content).join(', ')}`)
      return
    }
    if (type === 'application/json') {
      let validate = this.compiled.get(media.schema)
      if (!validate) {
        validate = this.ajv.compile(media.schema)
        this.compiled.set(media.schema, validate)
      }
      if (!validate(response.body)) this.failures.push(`${key}: ${this.ajv.errorsText(validate.errors)} in ${response.text.slice(0, 200)}`)
    }
    this.checked.add(key)
  }
}
