// Renders the reference backend's OpenAPI document (GET /openapi.json) as Markdown for people who
// write scenarios: every route with its parameters, body and responses as compact types.
// `npm run docs:backend` writes it to docs/reference-backend-api.md from a backend it starts;
// tests/reference-backend/docs.test.ts checks that file against a running backend's document.

type Schema = {
  type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema; enum?: unknown[]
  nullable?: boolean; format?: string; description?: string; minimum?: number; maximum?: number; maxLength?: number; minLength?: number
}
interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: Schema }>
  requestBody?: { content: Record<string, { schema: Schema }> }
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>
  security?: unknown[]
  description?: string
}
export interface OpenApiDocument {
  info: { title: string; description?: string }
  paths: Record<string, Record<string, Operation>>
}

/** A schema as a TypeScript-like type: `{ id: integer, title: string, lessons: { … }[] }`. */
export function typeOf(s: Schema): string {
  let t: string
  if (s.enum) t = s.enum.map((v) => JSON.stringify(v)).join(' | ')
  else if (s.type === 'object' && s.properties) {
    t = `{ ${Object.entries(s.properties).map(([k, v]) => `${k}${s.required?.includes(k) ? '' : '?'}: ${typeOf(v)}`).join(', ')} }`
  } else if (s.type === 'array') t = `${typeOf(s.items ?? {})}[]`
  else t = s.format === 'binary' ? 'bytes' : (s.type ?? 'any')
  return s.nullable ? `${t} | null` : t
}

/** Text inside a Markdown table cell: a `|`, even in a code span, would end the cell. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|')
}

function limits(s: Schema): string {
  const parts = [s.minimum !== undefined ? `≥ ${s.minimum}` : '', s.maximum !== undefined ? `≤ ${s.maximum}` : '', s.maxLength !== undefined ? `≤ ${s.maxLength} chars` : '', s.format && s.format !== 'binary' ? s.format : '']
  return parts.filter(Boolean).join(', ')
}

export function renderOpenApi(doc: OpenApiDocument): string {
  const lines = [
    `# ${doc.info.title}: every route, request and response`,
    '',
    'Generated from the backend\'s own OpenAPI document (`GET /openapi.json` on a running backend) by',
    '`npm run docs:backend`; do not edit. Types are written TypeScript-style (`?` optional, `| null`',
    'nullable); times are milliseconds since the Unix epoch. Every error (4XX, 5XX) answers',
    '`{ error: { code: string, message: string } }`: the codes are listed in [errors.md](errors.md).',
    '',
    doc.info.description ?? '',
  ]
  for (const [route, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      lines.push('', `## \`${method.toUpperCase()} ${route.replace(/\{([^}]+)\}/g, ':$1')}\``, '')
      lines.push(op.security?.length ? 'Needs `Authorization: Bearer <token>` (from `POST /api/auth/login`).' : 'No token needed.')
      if (op.description) lines.push('', op.description)
      const params = op.parameters ?? []
      if (params.length > 0) {
        lines.push('', '| parameter | in | type | |', '|---|---|---|---|')
        for (const p of params) lines.push(`| \`${p.name}\` | ${p.in} | ${cell(`\`${typeOf(p.schema)}\``)} | ${[p.required ? 'required' : '', limits(p.schema)].filter(Boolean).join('; ')} |`)
      }
      for (const [type, body] of Object.entries(op.requestBody?.content ?? {})) lines.push('', `Body (\`${type}\`): \`${typeOf(body.schema)}\``)
      lines.push('', '| status | answer |', '|---|---|')
      for (const [status, r] of Object.entries(op.responses)) {
        if (/^[45]XX$/.test(status)) continue
        const shapes = Object.entries(r.content ?? {}).map(([type, c]) => (type === 'application/json' ? `\`${typeOf(c.schema)}\`` : `\`${type}\``))
        lines.push(`| ${status} | ${cell(`${r.description}${shapes.length ? `: ${shapes.join(', ')}` : ''}`)} |`)
      }
    }
  }
  return `${lines.join('\n')}\n`
}
