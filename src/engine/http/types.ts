// The client's contract with the engine, apart so the pool and connection can use it without a cycle.

export interface HttpClientOptions {
  /** Connections per origin. */
  connections: number
  requestTimeoutMs: number
  /** Certificates (PEM) trusted for HTTPS targets instead of the system's. */
  ca?: string | undefined
  /** Accept any certificate (a test target with a self-signed one). */
  insecure?: boolean | undefined
}

/** Response headers: names in lower case, a repeated header as an array. */
export type ResponseHeaders = Record<string, string | string[] | undefined>

/** One request as the engine hands it to the client. */
export interface OutgoingRequest {
  method: string
  /** Path and query, already expanded and encoded. */
  path: string
  /** Flat list of names and values. */
  headers: readonly string[]
  body?: string | Uint8Array | undefined
  /** This request's own timeout (the scenario's otherwise). */
  timeoutMs?: number | undefined
}

/** A response as the engine sees it. */
export interface ResponseParts {
  readonly status: number
  /** May be built on first access: read the two fields below instead on every response. */
  readonly headers: ResponseHeaders
  readonly serverTiming: string | undefined
  readonly setCookie: string | string[] | undefined
  readonly bytes: number
  readonly body: Buffer | undefined
}

/** What the engine sends requests through: the connection pools, or a fake in unit tests. */
export interface RequestSender {
  /** Sends one request; resolves with the response, rejects with a transport error. */
  send(origin: string, request: OutgoingRequest, keepBody: boolean): Promise<ResponseParts>
  /** Requests waiting for a connection, across origins (cheap: read on every arrival). */
  readonly queued: number
  /** Opens up to `count` connections to `origin` ahead of use; resolves once none is opening. */
  preconnect(origin: string, count: number): Promise<void>
  stats(): { queued: number; running: number; connected: number }
  /** Ends every queued and running request now (the run is stopping). */
  destroyNow(): void
  close(): Promise<void>
}
