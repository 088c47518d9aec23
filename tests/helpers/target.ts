// A small real HTTP server on 127.0.0.1 for engine tests: fast, slow and hanging routes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

export interface TestTarget {
  url: string
  /** Requests received, by path without query. */
  hits: Map<string, number>
  close(): Promise<void>
}

/** `extraDelayMs` slows every response: a planted regression. */
export async function startTarget(options: { extraDelayMs?: number } = {}): Promise<TestTarget> {
  const hits = new Map<string, number>()
  const hanging = new Set<ServerResponse>()
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x')
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1)
    if (url.pathname === '/echo') {
      // What the request carried, for tests of the engine's headers and bodies.
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (d: string) => (body += d))
      req.on('end', () => {
        const set = url.searchParams.getAll('set')
        if (set.length > 0) res.setHeader('set-cookie', set)
        res.setHeader('content-type', 'application/json')
        const pad = 'x'.repeat(Number(url.searchParams.get('pad') ?? 0))
        res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, cookie: req.headers.cookie ?? null, contentType: req.headers['content-type'] ?? null, body, pad }))
      })
      return
    }
    if (url.pathname === '/hang') {
      hanging.add(res)
      return
    }
    const delay = Number(url.searchParams.get('delay') ?? 0) + (options.extraDelayMs ?? 0)
    const reply = () => {
      res.setHeader('content-type', 'application/json')
      res.setHeader('server-timing', 'db;dur=0.8;desc="1 queries", cache;desc=hit, app;dur=0.3')
      res.end(JSON.stringify({ path: url.pathname }))
    }
    if (delay > 0) setTimeout(reply, delay)
    else reply()
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

/** Writes a scenario file into a fresh temporary directory (outside the repository). */
export function writeScenario(source: string, name = 'scenario.ts'): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lmsload-scenario-'))
  const file = path.join(dir, name)
  writeFileSync(file, source)
  return file
}
