import type { RenderedChart } from './render.js';
import { int } from './spec-kit.js';

// The page shell of every report: style, header facts, figures, tables, sections.

/** Rows shown in any one table; the rest stay in the JSON the page was built from. */
export const TABLE_ROWS = 50;

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;background:#f6f7f9;color:#222;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:20px 24px 60px}
header{background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:16px 20px;margin-bottom:16px}
h1{font-size:22px;margin:0 0 4px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
h2{font-size:15px;margin:0 0 2px}
.desc{color:#555;margin:4px 0 10px;max-width:900px}
.badge{font-size:13px;font-weight:600;padding:2px 10px;border-radius:12px;color:#fff}
.pass{background:#3d8b37}.fail{background:#c9302c}.muted{color:#666;font-weight:normal;font-size:13px}
.glance{font-size:15px;margin:8px 0 12px}
dl.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:4px 18px;margin:0 0 10px}
dl.facts div{display:flex;gap:6px;min-width:0}dl.facts dt{color:#666;white-space:nowrap}dl.facts dd{margin:0;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre.repro{background:#1f2430;color:#e6e6e6;padding:8px 12px;border-radius:6px;margin:6px 0 0;overflow-x:auto;user-select:all}
.grid{display:grid;grid-template-columns:minmax(0,1fr);gap:16px}
@media (min-width:1200px){.grid{grid-template-columns:repeat(2,minmax(0,1fr))}}
figure,section{margin:0;background:#fff;border:1px solid #e3e5e8;border-radius:8px;padding:12px 14px;min-width:0}
section{overflow-x:auto}
td code,.nowrap{white-space:nowrap}
h3{font-size:13.5px;margin:14px 0 0}
.wide{grid-column:1/-1}
.chart{overflow-x:auto;margin-top:6px}
.chart svg{display:block;max-width:none}
.narrow{display:none}
@media (max-width:1199px){.big{display:none}.narrow{display:block}}
tr:target,.storybox:target h3{background:#fff4c2}
figcaption{color:#666;font-size:12.5px}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin-top:6px}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{color:#555;font-weight:600;background:#fafafa}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.up{color:#c9302c}.down{color:#3d8b37}.sub{padding-left:1.5em;color:#555}
.note{color:#666;font-size:12.5px;margin:6px 0 0}
.warning{color:#8a5a00;background:#fff6e0;border:1px solid #f0d9a0;border-radius:6px;padding:4px 10px;margin:4px 0}
details{margin-top:8px}summary{cursor:pointer;color:#555}
footer{color:#888;font-size:12px;margin-top:20px}
.storybox{margin-top:18px;border-top:1px solid #eee;padding-top:10px}
.storybox .why p{margin:4px 0;max-width:1000px}
ol.steps{font-size:12.5px;padding-left:3em;margin:6px 0}ol.steps li.key{font-weight:600}
a.back{font-weight:normal;font-size:12px;margin-left:8px}
`;

export function page(title: string, header: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="pullsim"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
${header}
<div class="grid">
${body}
</div>
<footer>pullsim report, built from the JSON next to this page; it works offline (no scripts, fonts or images are fetched).</footer>
</main></body></html>
`;
}

export const badge = (pass: boolean, text: string) => `<span class="badge ${pass ? 'pass' : 'fail'}">${esc(text)}</span>`;
export const facts = (rows: [string, string][]) =>
  `<dl class="facts">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd title="${esc(v)}">${esc(v)}</dd></div>`).join('')}</dl>`;

/**
 * A chart at the size it was drawn (never scaled down, so its text keeps its size: a chart wider than its box
 * scrolls); a wide chart's narrow variant replaces it in windows under 1200 px.
 */
export function figure(r: RenderedChart): string {
  const c = r.chart;
  const svg = r.narrowSvg === undefined ? `<div class="chart">${r.svg}</div>` : `<div class="chart big">${r.svg}</div><div class="chart narrow">${r.narrowSvg}</div>`;
  return `<figure id="${esc(c.id)}"${c.wide ? ' class="wide"' : ''}><h2>${esc(c.title)}</h2><figcaption>${esc(c.caption)}</figcaption>${svg}</figure>`;
}

export interface Column<T> {
  head: string;
  cell: (row: T) => string;
  num?: boolean;
}

/** An HTML table of at most TABLE_ROWS rows; cells are escaped unless `raw`; `id` gives rows a stable anchor. */
export function table<T>(rows: T[], cols: Column<T>[], raw = false, id?: (row: T) => string): string {
  const cls = (c: Column<T>) => (c.num ? ' class="num"' : '');
  const head = `<tr>${cols.map((c) => `<th${cls(c)}>${esc(c.head)}</th>`).join('')}</tr>`;
  const body = rows.slice(0, TABLE_ROWS).map((row) => `<tr${id ? ` id="${esc(id(row))}"` : ''}>${cols.map((c) => `<td${cls(c)}>${raw ? c.cell(row) : esc(c.cell(row))}</td>`).join('')}</tr>`);
  const more = rows.length > TABLE_ROWS ? `<p class="note">… and ${int(rows.length - TABLE_ROWS)} more rows in the JSON.</p>` : '';
  return `<table>${head}${body.join('')}</table>${more}`;
}

export const section = (title: string, inner: string, id: string) => `<section id="${id}" class="wide"><h2>${esc(title)}</h2>${inner}</section>`;

