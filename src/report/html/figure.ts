import type { ChartDef } from './chart.ts'
import { esc, table } from './escape.ts'

/** A chart in its figure: title, how to read it, the rendered chart, and its data table. */
export function figure(c: ChartDef): string {
  const data = c.table.kind === 'static'
    ? table(c.table.head, c.table.rows, { numeric: c.table.head.map((_, i) => i > 0) })
    : `<div class="lazy-table" data-dataset="${esc(c.table.dataset)}" data-columns="${esc(JSON.stringify(c.table.columns))}"></div>`
  return `<figure class="chart" id="fig-${esc(c.id)}">
  <figcaption><h3>${esc(c.title)}</h3><p class="how">${esc(c.howToRead)}</p></figcaption>
  <div class="vega" id="chart-${esc(c.id)}" role="img" aria-label="${esc(`${c.title}. ${c.howToRead}`)}"></div>
  <details class="data"><summary>Data table</summary>${data}</details>
</figure>`
}
