// Shared JSON-schema fragments. Every route declares params, query and body schemas so Fastify
// rejects bad input with 400 before a handler runs.

export const id = { type: 'integer', minimum: 1, maximum: 2_147_483_647 } as const

export function idParams(...names: string[]) {
  return {
    type: 'object',
    required: names,
    additionalProperties: false,
    properties: Object.fromEntries(names.map((n) => [n, id])),
  } as const
}

export const paging = {
  page: { type: 'integer', minimum: 1, maximum: 10_000, default: 1 },
  pageSize: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
} as const

export const noQuery = { type: 'object', additionalProperties: false, properties: {} } as const

export interface IdParams {
  id: number
}
