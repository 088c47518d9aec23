/** HTML text and attribute escaping. */
export function esc(text: string | number): string {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

/** JSON for a `<script type="application/json">`: `<` escaped so no `</script>` can close it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

/** A library bundle inlined into a `<script>`: a literal `</script` inside it would end the element. */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1')
}

/** A plain HTML table; `sortable` lets readers sort by a column (client.ts). */
export function table(head: string[], rows: Array<Array<string | number>>, options: { sortable?: boolean; caption?: string; numeric?: boolean[]; rowClass?: (i: number) => string; raw?: boolean } = {}): string {
  const cls = options.sortable ? ' class="sortable"' : ''
  const cellHtml = (v: string | number) => (options.raw ? String(v) : esc(v))
  const th = head.map((h, i) => `<th scope="col"${options.numeric?.[i] ? ' class="num"' : ''}>${esc(h)}</th>`).join('')
  const body = rows.map((r, ri) => `<tr${options.rowClass ? ` class="${options.rowClass(ri)}"` : ''}>${r.map((v, i) => `<td${options.numeric?.[i] ? ' class="num"' : ''}>${cellHtml(v)}</td>`).join('')}</tr>`).join('\n')
  return `<table${cls}>${options.caption ? `<caption>${esc(options.caption)}</caption>` : ''}<thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`
}
