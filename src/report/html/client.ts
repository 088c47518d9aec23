// The report's only script of our own (besides the inlined vega bundles): rebuild rows from the
// inlined columns, render every chart as SVG, build long data tables on demand, sort tables, and
// point a finding's link at its chart. Runs offline; it never touches the network.
export const CLIENT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('lmsload-data').textContent);
  var charts = JSON.parse(document.getElementById('lmsload-charts').textContent);
  var datasets = {};
  Object.keys(data).forEach(function (name) {
    var cols = data[name], keys = Object.keys(cols), n = keys.length ? cols[keys[0]].length : 0, rows = new Array(n);
    for (var i = 0; i < n; i++) { var row = {}; for (var k = 0; k < keys.length; k++) row[keys[k]] = cols[keys[k]][i]; rows[i] = row; }
    datasets[name] = rows;
  });
  var status = { charts: charts.length, rendered: 0, failed: [], done: false };
  window.lmsloadReport = status;
  Promise.all(charts.map(function (c) {
    var spec = c.spec;
    if (c.uses.length) { spec.datasets = {}; c.uses.forEach(function (n) { spec.datasets[n] = datasets[n]; }); }
    spec.config = Object.assign({ font: 'system-ui, sans-serif', axis: { labelFontSize: 11, titleFontSize: 11, minExtent: 44, maxExtent: 44 }, legend: { labelFontSize: 11 }, view: { stroke: null } }, spec.config || {});
    return vegaEmbed('#chart-' + c.id, spec, { actions: false, renderer: 'svg' })
      .then(function () { status.rendered++; })
      .catch(function (e) {
        status.failed.push(c.id);
        console.error('chart ' + c.id + ' failed: ' + (e && e.message));
        var el = document.getElementById('chart-' + c.id);
        if (el) el.insertAdjacentHTML('beforeend', '<p class="render-error">This chart could not be drawn; its data table below still holds the numbers.</p>');
      });
  })).then(function () { status.done = true; document.body.setAttribute('data-charts', status.failed.length ? 'failed' : 'rendered'); });

  function esc(v) { return String(v).replace(/[&<>"]/g, function (ch) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[ch]; }); }
  document.querySelectorAll('.lazy-table').forEach(function (el) {
    var details = el.closest('details');
    function build() {
      if (el.getAttribute('data-built')) return;
      el.setAttribute('data-built', '1');
      var rows = datasets[el.getAttribute('data-dataset')] || [], cols = JSON.parse(el.getAttribute('data-columns'));
      var html = '<table><thead><tr>' + cols.map(function (c, i) { return '<th scope="col"' + (i ? ' class="num"' : '') + '>' + esc(c.label) + '</th>'; }).join('') + '</tr></thead><tbody>';
      for (var i = 0; i < rows.length; i++) {
        html += '<tr>' + cols.map(function (c, j) { var v = rows[i][c.key]; return '<td' + (j ? ' class="num"' : '') + '>' + (v === null || v === undefined ? '–' : esc(v)) + '</td>'; }).join('') + '</tr>';
      }
      el.innerHTML = html + '</tbody></table>';
    }
    details.addEventListener('toggle', function () { if (details.open) build(); });
    window.addEventListener('beforeprint', build);
  });

  function cellValue(td) {
    var t = td.textContent.trim().replace(/,/g, ''), m = /^([+\\u2212-]?[\\d.]+)\\s*(ms|s|%|KiB|MiB|GiB|B)?/.exec(t.replace('\\u2212', '-'));
    if (!m) return t.toLowerCase();
    var v = parseFloat(m[1]), unit = m[2];
    if (unit === 's') v *= 1000; if (unit === 'KiB') v *= 1024; if (unit === 'MiB') v *= 1048576; if (unit === 'GiB') v *= 1073741824;
    return v;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, col) {
      th.tabIndex = 0;
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
        var fixed = rows.filter(function (r) { return r.classList.contains('total'); });
        rows = rows.filter(function (r) { return !r.classList.contains('total'); });
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.concat(fixed).forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
    });
  });

  document.querySelectorAll('a.show').forEach(function (a) {
    a.addEventListener('click', function () {
      var fig = document.getElementById('fig-' + a.getAttribute('data-chart'));
      if (!fig) return;
      fig.classList.add('highlight');
      setTimeout(function () { fig.classList.remove('highlight'); }, 2500);
    });
  });
})();
`
