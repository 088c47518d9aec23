import { describe, expect, it } from 'vitest'
import { headersOf, ResponseParser, type ResponseSink } from '../../../src/engine/http/h1-response.ts'

// The engine's HTTP/1.1 response parser on byte strings, each fed whole and split at every byte
// (a response arrives in reads of any size; the parser must not care where they end).

interface Parsed {
  status: number
  body: string
  reusable: boolean
  headers: Record<string, unknown>
  serverTiming: string | undefined
  setCookie: string | string[] | undefined
}

class Collector implements ResponseSink {
  readonly done: Parsed[] = []
  private body = ''
  private head: Omit<Parsed, 'body' | 'reusable'> | undefined
  readonly parser: ResponseParser
  constructor(noBody = false) {
    this.parser = new ResponseParser(this)
    this.parser.noBody = noBody
  }
  responseHead(): void {
    const p = this.parser
    this.head = { status: p.status, headers: headersOf(p.headerText), serverTiming: p.serverTiming, setCookie: p.setCookie }
    this.body = ''
  }
  responseBody(chunk: Buffer, start: number, length: number): void {
    this.body += chunk.toString('latin1', start, start + length)
  }
  responseComplete(reusable: boolean): void {
    this.done.push({ ...this.head!, body: this.body, reusable })
  }
}

/** Feeds `text` in reads cut at `cuts`, each read into a reused buffer with stale bytes after it (as the socket's). */
function feed(text: string, cuts: number[], options: { noBody?: boolean; close?: boolean } = {}): { done: Parsed[]; error: string | undefined } {
  const c = new Collector(options.noBody)
  const bytes = Buffer.from(text, 'latin1')
  const receive = Buffer.alloc(bytes.length + 64, 'X\n\r\n')
  let from = 0
  for (const to of [...cuts, bytes.length]) {
    if (to <= from) continue
    receive.fill('X\n\r\n')
    bytes.copy(receive, 0, from, to)
    const error = c.parser.execute(receive, 0, to - from)
    if (error) return { done: c.done, error: (error as Error & { code: string }).code }
    from = to
  }
  if (options.close) c.parser.finish()
  return { done: c.done, error: undefined }
}

/** The same answer whole, cut after every byte, and cut in two at every position. */
function parseEveryWay(text: string, options: { noBody?: boolean; close?: boolean } = {}): { done: Parsed[]; error: string | undefined } {
  const whole = feed(text, [], options)
  const bytewise = feed(text, Array.from({ length: text.length }, (_, i) => i + 1), options)
  expect(bytewise).toEqual(whole)
  for (let i = 1; i < text.length; i++) expect(feed(text, [i], options), `cut at ${i}`).toEqual(whole)
  return whole
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n${extra}\r\n${body}`

describe('the engine’s HTTP/1.1 response parser', () => {
  it('reads bodies framed by content-length, by chunks (extensions and trailers skipped) and by the end of the connection', () => {
    expect(parseEveryWay(ok('hello')).done.map((r) => [r.status, r.body, r.reusable])).toEqual([[200, 'hello', true]])
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n5\r\nhello\r\n6;ext="a;b"\r\n world\r\nA \r\n0123456789\r\n0\r\nx-trailer: 1\r\n\r\n'
    expect(parseEveryWay(chunked).done.map((r) => [r.body, r.reusable])).toEqual([['hello world0123456789', true]])
    const untilClose = parseEveryWay('HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end', { close: true })
    expect(untilClose.done.map((r) => [r.body, r.reusable])).toEqual([['until the end', false]])
    // Neither length nor chunks: the body ends with the connection, which cannot be reused.
    expect(feed('HTTP/1.1 200 OK\r\n\r\nmore', [], { close: true }).done.map((r) => [r.body, r.reusable])).toEqual([['more', false]])
    // Lines ended by LF alone are read too (RFC 9112 section 2.2 allows a recipient to).
    expect(parseEveryWay('HTTP/1.1 201 Created\ncontent-length: 2\n\nok').done.map((r) => [r.status, r.body])).toEqual([[201, 'ok']])
  })

  it('reads no body after HEAD, 204 and 304, skips 1xx interim responses, and treats 101 as the end of HTTP on the connection', () => {
    expect(parseEveryWay('HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n', { noBody: true }).done.map((r) => [r.status, r.body, r.reusable])).toEqual([[200, '', true]])
    expect(parseEveryWay('HTTP/1.1 304 Not Modified\r\ncontent-length: 1000\r\n\r\n').done.map((r) => [r.status, r.body, r.reusable])).toEqual([[304, '', true]])
    expect(parseEveryWay('HTTP/1.1 204 No Content\r\n\r\n').done.map((r) => [r.status, r.reusable])).toEqual([[204, true]])
    const hinted = parseEveryWay(`HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a.css>\r\n\r\n${ok('ok', 'x-after: 1\r\n')}`)
    expect(hinted.done.map((r) => [r.status, r.body, r.headers])).toEqual([[200, 'ok', { 'content-length': '2', 'x-after': '1' }]])
    expect(parseEveryWay('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n').done.map((r) => [r.status, r.reusable])).toEqual([[101, false]])
  })

  it('keeps the headers as text and builds the object on demand; Server-Timing and Set-Cookie are read on every response', () => {
    const head = 'Server-Timing: db;dur=3.5\r\nSET-COOKIE: a=1; Path=/\r\nset-cookie: b=2\r\nX-Mixed:  Case  \r\nserver-timing: app;dur=1\r\nempty:\r\n'
    const [r] = parseEveryWay(ok('{}', head)).done
    expect(r!.serverTiming).toBe('db;dur=3.5, app;dur=1')
    expect(r!.setCookie).toEqual(['a=1; Path=/', 'b=2'])
    expect(r!.headers).toEqual({
      'content-length': '2', 'server-timing': ['db;dur=3.5', 'app;dur=1'], 'set-cookie': ['a=1; Path=/', 'b=2'], 'x-mixed': 'Case', empty: '',
    })
    const [single] = parseEveryWay(ok('', 'set-cookie: s=1\r\n')).done
    expect([single!.setCookie, single!.serverTiming]).toEqual(['s=1', undefined])
  })

  it('decides reuse from the version, Connection and the framing', () => {
    const reuse = (text: string) => feed(text, [], { close: true }).done.map((r) => r.reusable)
    expect(reuse(ok('x', 'Connection: Keep-Alive\r\n'))).toEqual([true])
    expect(reuse(ok('x', 'connection: CLOSE\r\n'))).toEqual([false])
    expect(reuse(ok('x', 'connection: upgrade, close\r\n'))).toEqual([false])
    expect(reuse('HTTP/1.0 200 OK\r\ncontent-length: 1\r\n\r\nx')).toEqual([false])
    expect(reuse('HTTP/1.0 200 OK\r\ncontent-length: 1\r\nconnection: keep-alive\r\n\r\nx')).toEqual([true])
    // Both Transfer-Encoding and Content-Length: chunks are read, the connection is not trusted again.
    expect(reuse('HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n')).toEqual([false])
    // A coding other than chunked last: the body runs to the close.
    expect(feed('HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nzzz', [], { close: true }).done.map((r) => [r.body, r.reusable])).toEqual([['zzz', false]])
    // Bytes after a complete response in the same read: the server sent what nobody asked for.
    expect(reuse(`${ok('x')}HTTP/1.1 200 OK\r\n`)).toEqual([false])
  })

  it('hands out the same Keep-Alive string while the server repeats its hint', () => {
    const c = new Collector()
    const hints: Array<string | undefined> = []
    for (const hint of ['timeout=5', 'timeout=5', 'timeout=9', undefined]) {
      const text = ok('x', hint ? `keep-alive: ${hint}\r\n` : '')
      c.parser.execute(Buffer.from(text, 'latin1'), 0, text.length)
      hints.push(c.parser.keepAlive)
    }
    expect(hints).toEqual(['timeout=5', 'timeout=5', 'timeout=9', undefined])
  })

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n', 'HPE_INVALID_STATUS'],
    ['a status that is not three digits', 'HTTP/1.1 2x0 What\r\n\r\n', 'HPE_INVALID_STATUS'],
    ['HTTP/2 text', 'HTTP/2.0 200 OK\r\n\r\n', 'HPE_INVALID_STATUS'],
    ['a header without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    ['space before the colon', 'HTTP/1.1 200 OK\r\ncontent-length : 1\r\n\r\nx', 'HPE_INVALID_HEADER_TOKEN'],
    ['a folded line', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n  2\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    ['a content-length that is not a number', 'HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
    ['an empty content-length', 'HTTP/1.1 200 OK\r\ncontent-length:\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
    ['two different content-lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\nxx', 'HPE_UNEXPECTED_CONTENT_LENGTH'],
    ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE'],
    ['a chunk without a size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\r\n', 'HPE_INVALID_CHUNK_SIZE'],
    ['a chunk size beyond any real body', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1000000000000\r\n', 'HPE_INVALID_CHUNK_SIZE'],
    ['a chunk longer than its size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nxy\r\n', 'HPE_STRICT'],
  ])('refuses %s', (_what, text, code) => {
    expect(parseEveryWay(text).error).toBe(code)
  })

  it('accepts two equal content-lengths, and refuses a head longer than 64 KiB however it arrives', () => {
    expect(feed('HTTP/1.1 200 OK\r\ncontent-length: 1\r\nContent-Length: 1\r\n\r\nx', []).done.map((r) => r.body)).toEqual(['x'])
    const huge = `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(70 * 1024)}\r\n\r\n`
    expect(feed(huge, []).error).toBe('HPE_HEADER_OVERFLOW')
    expect(feed(huge, Array.from({ length: 40 }, (_, i) => (i + 1) * 2000)).error).toBe('HPE_HEADER_OVERFLOW')
  })
})
