// The HTTP/1.1 response parser of the engine's client.
//
// Written here rather than taken from a library because of what it allocates per response, on the
// path every request takes. http-parser-js (autocannon's parser, used here before) turns each head
// into line strings, runs regular expressions over them and builds an array of header strings plus
// the object made from it: about 40 % of what a request allocated on the worker (docs/benchmarks.md
// section 2). Node's llhttp is exported only through the undocumented `_http_common` (its callback
// signature changes between Node versions); undici's is not exported at all. This parser reads the
// head as bytes in the receive buffer, makes strings only for the headers the engine reads on every
// response (Server-Timing, Set-Cookie, a changed Keep-Alive hint), and keeps the rest of the head as
// one latin1 string from which the header object is built only when a journey asks for it.
//
// Framing follows RFC 9112 section 6: no body after HEAD, 1xx, 204 and 304; Transfer-Encoding
// ending in chunked wins over Content-Length; any other Transfer-Encoding, or neither header, reads
// until the connection closes.

import type { ResponseHeaders } from './types.ts'

/** What the parser tells the connection. */
export interface ResponseSink {
  /** A final (non-1xx) response's head has been read: its fields are on the parser. */
  responseHead(): void
  responseBody(chunk: Buffer, start: number, length: number): void
  /** The response is complete; `reusable` is false when the connection must not carry another. */
  responseComplete(reusable: boolean): void
}

/** A response head larger than this is refused (Node's own limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024
/** Hex digits of a chunk size beyond which it cannot be a real chunk (16^12 bytes = 256 TiB). */
const MAX_CHUNK_SIZE_DIGITS = 12

// Parser states (numbers, not an enum: the sources run through type stripping).
const State = { Head: 0, Length: 1, ChunkSize: 2, ChunkData: 3, ChunkDataEnd: 4, Trailers: 5, UntilClose: 6 } as const
type State = (typeof State)[keyof typeof State]

const LF = 10
const CR = 13
const SP = 32
const HTAB = 9

function parseError(code: string, message: string): Error {
  return Object.assign(new Error(`bad HTTP response: ${message}`), { code })
}

const name = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0))
const CONTENT_LENGTH = name('content-length')
const TRANSFER_ENCODING = name('transfer-encoding')
const CONNECTION = name('connection')
const KEEP_ALIVE = name('keep-alive')
const SET_COOKIE = name('set-cookie')
const SERVER_TIMING = name('server-timing')
const CLOSE = name('close')

/** Whether buf[start, start + lower.length) spells `lower` in any case (`lower`: lower-case ASCII). */
function sameName(buf: Uint8Array, start: number, end: number, lower: Uint8Array): boolean {
  if (end - start !== lower.length) return false
  for (let i = 0; i < lower.length; i++) {
    const b = buf[start + i]!
    if (b !== lower[i] && (b < 65 || b > 90 || (b | 32) !== lower[i])) return false
  }
  return true
}

/** Whether buf[start, end) holds exactly the latin1 string `s`. */
function sameBytes(buf: Uint8Array, start: number, end: number, s: string): boolean {
  if (end - start !== s.length) return false
  for (let i = 0; i < s.length; i++) if (buf[start + i] !== s.charCodeAt(i)) return false
  return true
}

function hexValue(b: number): number {
  if (b >= 48 && b <= 57) return b - 48
  const l = b | 32
  return l >= 97 && l <= 102 ? l - 87 : -1
}

/** The header object of a head kept as text (the lines after the status line). */
export function headersOf(text: string): ResponseHeaders {
  const headers: ResponseHeaders = {}
  let start = 0
  while (start < text.length) {
    let lf = text.indexOf('\n', start)
    if (lf < 0) lf = text.length
    const line = text.slice(start, lf)
    start = lf + 1
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const key = line.slice(0, colon).toLowerCase()
    const value = line.slice(colon + 1).trim()
    const had = headers[key]
    if (had === undefined) headers[key] = value
    else if (Array.isArray(had)) had.push(value)
    else headers[key] = [had, value]
  }
  return headers
}

/**
 * Parses the responses of one connection, one at a time, from the bytes as they are read. The
 * fields below describe the current response once `responseHead()` has been called; they are
 * replaced by the next response's head.
 */
export class ResponseParser {
  status = 0
  /** The header lines after the status line, as latin1 text (see `headersOf`). */
  headerText = ''
  serverTiming: string | undefined
  setCookie: string | string[] | undefined
  /** The Keep-Alive header; the same string as the previous response's when the bytes are the same. */
  keepAlive: string | undefined
  /** Set by the connection before each request: a response to HEAD has no body. */
  noBody = false
  private readonly sink: ResponseSink
  private state: State = State.Head
  /** Head bytes of a head split across reads. */
  private carry: Buffer | undefined
  /** Body bytes left in a Content-Length body or in the current chunk. */
  private remaining = 0
  private sizeDigits = 0
  private inExtension = false
  private lineBytes = 0
  private reusable = true
  // Fields of the head being read.
  private contentLength = -1
  private hasTransferEncoding = false
  private chunked = false
  private connectionClose = false
  private connectionKeepAlive = false
  private http10 = false

  constructor(sink: ResponseSink) {
    this.sink = sink
  }

  /** Reads buf[start, end). Returns an error when the bytes are not an HTTP/1.x response. */
  execute(buf: Buffer, start: number, end: number): Error | undefined {
    let pos = start
    while (pos < end) {
      switch (this.state) {
        case State.Head: {
          if (this.carry !== undefined) {
            buf = Buffer.concat([this.carry, buf.subarray(pos, end)])
            this.carry = undefined
            pos = 0
            end = buf.length
          }
          const after = this.readHead(buf, pos, end)
          if (typeof after !== 'number') return after
          if ((after < 0 ? end : after) - pos > MAX_HEAD_BYTES) return parseError('HPE_HEADER_OVERFLOW', `a response head longer than ${MAX_HEAD_BYTES} bytes`)
          if (after < 0) {
            this.carry = Buffer.copyBytesFrom(buf, pos, end - pos)
            return undefined
          }
          pos = after
          const error = this.startBody()
          if (error) return error
          if (this.state === State.Head && (this.status >= 200 || this.status === 101)) {
            this.complete(pos < end)
            return undefined
          }
          break
        }
        case State.Length:
        case State.ChunkData: {
          const n = Math.min(this.remaining, end - pos)
          this.sink.responseBody(buf, pos, n)
          pos += n
          this.remaining -= n
          if (this.remaining > 0) break
          if (this.state === State.ChunkData) {
            this.state = State.ChunkDataEnd
          } else {
            this.complete(pos < end)
            return undefined
          }
          break
        }
        case State.UntilClose:
          this.sink.responseBody(buf, pos, end - pos)
          pos = end
          break
        case State.ChunkSize: {
          const b = buf[pos++]!
          const hex = this.inExtension ? -1 : hexValue(b)
          if (hex >= 0) {
            if (++this.sizeDigits > MAX_CHUNK_SIZE_DIGITS) return parseError('HPE_INVALID_CHUNK_SIZE', 'a chunk size too large')
            this.remaining = this.remaining * 16 + hex
          } else if (b === LF) {
            if (this.sizeDigits === 0) return parseError('HPE_INVALID_CHUNK_SIZE', 'a chunk without a size')
            this.sizeDigits = 0
            this.inExtension = false
            this.lineBytes = 0
            this.state = this.remaining === 0 ? State.Trailers : State.ChunkData
          } else if (b === 59) { // ';' starts a chunk extension, ignored
            this.inExtension = true
          } else if (!this.inExtension && b !== CR && b !== SP && b !== HTAB) {
            return parseError('HPE_INVALID_CHUNK_SIZE', `byte ${b} in a chunk size`)
          }
          break
        }
        case State.ChunkDataEnd: {
          const b = buf[pos++]!
          if (b === LF) this.state = State.ChunkSize
          else if (b !== CR) return parseError('HPE_STRICT', 'a chunk not followed by CRLF')
          break
        }
        case State.Trailers: {
          // Trailer fields are read past, not kept.
          const b = buf[pos++]!
          if (b === LF) {
            if (this.lineBytes === 0) {
              this.complete(pos < end)
              return undefined
            }
            this.lineBytes = 0
          } else if (b !== CR) {
            this.lineBytes++
          }
          break
        }
      }
    }
    return undefined
  }

  /**
   * The connection has closed: a body delimited by the close is complete now. Returns whether a
   * response was completed.
   */
  finish(): boolean {
    if (this.state !== State.UntilClose) return false
    this.complete(false)
    return true
  }

  /**
   * Reads one head from buf[start, end): the index after it, -1 when the head is not complete yet,
   * or an error.
   */
  private readHead(buf: Buffer, start: number, end: number): number | Error {
    let lf = buf.indexOf(LF, start)
    // The receive buffer holds older bytes past `end`.
    if (lf < 0 || lf >= end) return -1
    const statusEnd = lf > start && buf[lf - 1] === CR ? lf - 1 : lf
    const error = this.readStatusLine(buf, start, statusEnd)
    if (error) return error
    const headerStart = lf + 1
    let lineStart = headerStart
    this.contentLength = -1
    this.hasTransferEncoding = false
    this.chunked = false
    this.connectionClose = false
    this.connectionKeepAlive = false
    this.serverTiming = undefined
    this.setCookie = undefined
    const previousKeepAlive = this.keepAlive
    this.keepAlive = undefined
    for (;;) {
      lf = buf.indexOf(LF, lineStart)
      if (lf < 0 || lf >= end) {
        this.keepAlive = previousKeepAlive
        return -1
      }
      const lineEnd = lf > lineStart && buf[lf - 1] === CR ? lf - 1 : lf
      if (lineEnd === lineStart) break
      if (buf[lineStart] === SP || buf[lineStart] === HTAB) return parseError('HPE_INVALID_HEADER_TOKEN', 'a folded header line (obsolete line folding)')
      const colon = buf.indexOf(58, lineStart)
      if (colon <= lineStart || colon >= lineEnd || buf[colon - 1] === SP || buf[colon - 1] === HTAB) {
        return parseError('HPE_INVALID_HEADER_TOKEN', `a header line without a name and colon: ${JSON.stringify(buf.toString('latin1', lineStart, Math.min(lineEnd, lineStart + 60)))}`)
      }
      let valueStart = colon + 1
      while (valueStart < lineEnd && (buf[valueStart] === SP || buf[valueStart] === HTAB)) valueStart++
      let valueEnd = lineEnd
      while (valueEnd > valueStart && (buf[valueEnd - 1] === SP || buf[valueEnd - 1] === HTAB)) valueEnd--
      const fieldError = this.readField(buf, lineStart, colon, valueStart, valueEnd, previousKeepAlive)
      if (fieldError) return fieldError
      lineStart = lf + 1
    }
    this.headerText = buf.toString('latin1', headerStart, lineStart)
    return lf + 1
  }

  private readStatusLine(buf: Buffer, start: number, end: number): Error | undefined {
    // HTTP/1.x SSS[ reason]
    const minor = buf[start + 7]! - 48
    const ok = end - start >= 12 && buf[start] === 72 && buf[start + 1] === 84 && buf[start + 2] === 84 && buf[start + 3] === 80 &&
      buf[start + 4] === 47 && buf[start + 5] === 49 && buf[start + 6] === 46 && minor >= 0 && minor <= 9 && buf[start + 8] === SP &&
      (end - start === 12 || buf[start + 12] === SP)
    let status = 0
    for (let i = start + 9; ok && i < start + 12; i++) {
      const d = buf[i]! - 48
      if (d < 0 || d > 9) return parseError('HPE_INVALID_STATUS', `status line ${JSON.stringify(buf.toString('latin1', start, Math.min(end, start + 60)))}`)
      status = status * 10 + d
    }
    if (!ok || status < 100) return parseError('HPE_INVALID_STATUS', `status line ${JSON.stringify(buf.toString('latin1', start, Math.min(end, start + 60)))}`)
    this.status = status
    this.http10 = minor === 0
    return undefined
  }

  private readField(buf: Buffer, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, previousKeepAlive: string | undefined): Error | undefined {
    switch (nameEnd - nameStart) {
      case 14:
        if (sameName(buf, nameStart, nameEnd, CONTENT_LENGTH)) return this.readContentLength(buf, valueStart, valueEnd)
        break
      case 17:
        if (sameName(buf, nameStart, nameEnd, TRANSFER_ENCODING)) {
          // Only the last coding decides the framing (RFC 9112 section 6.3).
          const codings = buf.toString('latin1', valueStart, valueEnd).toLowerCase().split(',')
          this.hasTransferEncoding = true
          this.chunked = codings[codings.length - 1]!.trim() === 'chunked'
        }
        break
      case 10:
        if (sameName(buf, nameStart, nameEnd, CONNECTION)) {
          if (sameName(buf, valueStart, valueEnd, KEEP_ALIVE)) this.connectionKeepAlive = true
          else if (sameName(buf, valueStart, valueEnd, CLOSE)) this.connectionClose = true
          else {
            for (const token of buf.toString('latin1', valueStart, valueEnd).toLowerCase().split(',')) {
              const t = token.trim()
              if (t === 'close') this.connectionClose = true
              else if (t === 'keep-alive') this.connectionKeepAlive = true
            }
          }
        } else if (sameName(buf, nameStart, nameEnd, KEEP_ALIVE)) {
          // Servers repeat the same hint on every response: its string is made once per connection.
          this.keepAlive = previousKeepAlive !== undefined && sameBytes(buf, valueStart, valueEnd, previousKeepAlive)
            ? previousKeepAlive
            : buf.toString('latin1', valueStart, valueEnd)
        } else if (sameName(buf, nameStart, nameEnd, SET_COOKIE)) {
          const cookie = buf.toString('latin1', valueStart, valueEnd)
          const had = this.setCookie
          this.setCookie = had === undefined ? cookie : Array.isArray(had) ? (had.push(cookie), had) : [had, cookie]
        }
        break
      case 13:
        if (sameName(buf, nameStart, nameEnd, SERVER_TIMING)) {
          const timing = buf.toString('latin1', valueStart, valueEnd)
          this.serverTiming = this.serverTiming === undefined ? timing : `${this.serverTiming}, ${timing}`
        }
        break
    }
    return undefined
  }

  private readContentLength(buf: Buffer, start: number, end: number): Error | undefined {
    let length = 0
    for (let i = start; i < end; i++) {
      const d = buf[i]! - 48
      if (d < 0 || d > 9 || length > (Number.MAX_SAFE_INTEGER - 9) / 10) {
        return parseError('HPE_INVALID_CONTENT_LENGTH', `content-length ${JSON.stringify(buf.toString('latin1', start, Math.min(end, start + 30)))}`)
      }
      length = length * 10 + d
    }
    if (start === end) return parseError('HPE_INVALID_CONTENT_LENGTH', 'an empty content-length')
    if (this.contentLength >= 0 && this.contentLength !== length) {
      return parseError('HPE_UNEXPECTED_CONTENT_LENGTH', `two content-length headers (${this.contentLength} and ${length})`)
    }
    this.contentLength = length
    return undefined
  }

  /** After a head: skips an interim response, or tells the sink and sets up the body's framing. */
  private startBody(): Error | undefined {
    const status = this.status
    if (status < 200 && status !== 101) return undefined // 100 Continue, 103 Early Hints: the real head follows
    this.reusable = (this.http10 ? this.connectionKeepAlive : !this.connectionClose) && status !== 101
    this.sink.responseHead()
    this.remaining = 0
    if (this.noBody || status === 204 || status === 304 || status === 101) {
      this.state = State.Head
    } else if (this.hasTransferEncoding) {
      // A message with both headers may be an attempt at smuggling: read it, do not reuse the connection.
      if (this.contentLength >= 0) this.reusable = false
      if (this.chunked) {
        this.state = State.ChunkSize
        this.sizeDigits = 0
        this.inExtension = false
      } else {
        this.state = State.UntilClose
      }
    } else if (this.contentLength > 0) {
      this.state = State.Length
      this.remaining = this.contentLength
    } else if (this.contentLength === 0) {
      this.state = State.Head
    } else {
      this.state = State.UntilClose
    }
    if (this.state === State.UntilClose) this.reusable = false
    return undefined
  }

  /** `extra`: bytes followed the response in the same read, which a server may not send unasked. */
  private complete(extra: boolean): void {
    this.state = State.Head
    this.sink.responseComplete(this.reusable && !extra)
  }
}
