/** An expected failure with its HTTP status and a stable machine-readable code. */
export class HttpError extends Error {
  readonly statusCode: number
  readonly code: string

  constructor(statusCode: number, code: string, message: string) {
    super(message)
    this.name = 'HttpError'
    this.statusCode = statusCode
    this.code = code
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`)
export const forbidden = (message: string) => new HttpError(403, 'FORBIDDEN', message)
export const conflict = (code: string, message: string) => new HttpError(409, code, message)
export const badRequest = (message: string) => new HttpError(400, 'BAD_REQUEST', message)
