// A thin JSON client over fetch for tests: status, headers and parsed body of every call.
export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

export interface CallOptions {
  token?: string
  json?: unknown
  body?: string | Uint8Array
  headers?: Record<string, string>
}

export type ResponseObserver = (method: string, path: string, response: ApiResponse) => void

export class ApiClient {
  readonly base: string
  /** Called with every response (tests/helpers/openapi.ts checks them against the backend's document). */
  readonly observers: ResponseObserver[] = []

  constructor(base: string) {
    this.base = base
  }

  async call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token) headers.authorization = `Bearer ${options.token}`
    let body = options.body
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json'
      body = JSON.stringify(options.json)
    }
    const response = await fetch(`${this.base}${path}`, { method, headers, body })
    const text = await response.text()
    let parsed: any = text
    if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') parsed = JSON.parse(text)
    const result = { status: response.status, headers: response.headers, body: parsed as T, text }
    for (const observe of this.observers) observe(method, path, result)
    return result
  }

  get<T = any>(path: string, token?: string) {
    return this.call<T>('GET', path, { token })
  }

  async login(username: string, password: string): Promise<string> {
    const r = await this.call('POST', '/api/auth/login', { json: { username, password } })
    if (r.status !== 201) throw new Error(`login ${username} failed: ${r.status} ${r.text}`)
    return r.body.token as string
  }

  async metrics(): Promise<string> {
    const r = await fetch(`${this.base}/metrics`)
    return r.text()
  }
}

export const PASSWORDS = { learner: 'learner-pass', instructor: 'instructor-pass', admin: 'admin-pass' } as const
