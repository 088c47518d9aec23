// The report's stylesheet, inlined: readable on a laptop, clean in print, no web fonts.
export const STYLE = `
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#fff; --pass:#15803d; --fail:#b91c1c; --warn:#b45309; --info:#1d4ed8; --card:#f9fafb; }
* { box-sizing: border-box; }
html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 0 24px 48px; }
header.top { border-bottom: 1px solid var(--line); padding: 20px 0 12px; }
header.top h1 { margin: 0; font-size: 1.6rem; }
header.top .desc { margin: 4px 0 0; color: var(--muted); }
nav.toc { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--line); padding: 6px 0; z-index: 2; font-size: .9rem; }
nav.toc a { margin-right: 14px; color: var(--info); text-decoration: none; }
h2 { margin: 36px 0 8px; font-size: 1.3rem; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin: 0; font-size: 1.05rem; }
h4 { margin: 10px 0 2px; font-size: .9rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.intro, .how { color: var(--muted); margin: 2px 0 10px; font-size: .92rem; }
code { font: .88em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 3px; border-radius: 3px; }
.verdict { margin: 18px 0; padding: 16px 20px; border-radius: 8px; border-left: 8px solid var(--muted); background: var(--card); }
.verdict.pass { border-color: var(--pass); } .verdict.fail { border-color: var(--fail); }
.verdict .badge { display: inline-block; margin: 0 0 6px; padding: 2px 10px; border-radius: 12px; font-weight: 600; color: #fff; background: var(--muted); }
.verdict.pass .badge { background: var(--pass); } .verdict.fail .badge { background: var(--fail); }
.verdict .sentence { font-size: 1.15rem; font-weight: 600; margin: 4px 0; }
.verdict .capacity, .verdict .bottleneck { margin: 4px 0; }
.numbers { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 10px; margin: 12px 0; }
td:last-child { white-space: normal; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; }
.tile .label { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.tile .value { font-size: 1.35rem; font-weight: 650; }
.tile .sub { font-size: .82rem; color: var(--muted); }
.trust { border: 1px solid #fcd34d; background: #fffbeb; border-radius: 6px; padding: 4px 16px; margin: 16px 0; }
.trust h2 { border: 0; margin: 8px 0 0; font-size: 1.05rem; color: var(--warn); }
.finding { border: 1px solid var(--line); border-left: 6px solid var(--info); border-radius: 6px; padding: 10px 16px; margin: 12px 0; background: var(--card); break-inside: avoid; }
.finding.critical { border-left-color: var(--fail); } .finding.warning { border-left-color: var(--warn); }
.finding header { display: block; }
.finding .sev { font-size: .75rem; font-weight: 700; text-transform: uppercase; color: #fff; background: var(--info); padding: 1px 7px; border-radius: 10px; }
.finding.critical .sev { background: var(--fail); } .finding.warning .sev { background: var(--warn); }
.finding .rank { color: var(--muted); font-size: .85rem; }
.finding h3 { margin-top: 4px; }
.finding .meta { color: var(--muted); font-size: .82rem; margin: 6px 0 0; }
.finding table { width: auto; min-width: 260px; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: 8px 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.fail td:first-child { color: var(--fail); font-weight: 600; } tr.pass td:first-child { color: var(--pass); } tr.skip td:first-child { color: var(--muted); }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort="ascending"]::after { content: " ▲"; } table.sortable th[aria-sort="descending"]::after { content: " ▼"; }
.table-scroll { overflow-x: auto; }
figure.chart { margin: 18px 0 26px; break-inside: avoid; border-radius: 6px; transition: box-shadow .3s; }
figure.chart.highlight { box-shadow: 0 0 0 3px #f59e0b; }
figure.chart .vega { overflow-x: auto; }
figure.chart .vega svg { max-width: 100%; height: auto; }
details.data summary { cursor: pointer; color: var(--info); font-size: .85rem; }
details.data { max-height: 420px; overflow: auto; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: .9rem; }
dt { color: var(--muted); } dd { margin: 0; word-break: break-word; }
.none { color: var(--muted); font-style: italic; }
.not-evaluated { margin-top: 1rem; color: var(--muted); } .not-evaluated summary { cursor: pointer; } .not-evaluated li { margin: .25rem 0; }
footer { margin-top: 40px; color: var(--muted); font-size: .8rem; border-top: 1px solid var(--line); padding-top: 8px; }
.render-error { color: var(--fail); font-size: .9rem; }
@media (max-width: 700px) { main { padding: 0 10px 30px; } nav.toc { position: static; } }
@media print {
  html { font-size: 11pt; }
  nav.toc, details.data summary, a.show { display: none; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  .finding, figure.chart, .tile, table { break-inside: avoid; }
  .verdict, .finding, .trust { background: none; }
}
`
