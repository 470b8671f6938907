import type { LoggerInterface } from 'vega';
import type { Chart } from './specs.js';

/** A chart rendered to an inline SVG, with whatever vega-lite or vega had to warn about. */
export interface RenderedChart {
  chart: Chart;
  svg: string;
  /** the chart's narrow variant, when it has one */
  narrowSvg?: string;
  warnings: string[];
}

type Engines = { vega: typeof import('vega'); vl: typeof import('vega-lite') };
let engines: Promise<Engines> | undefined;

/** vega and vega-lite take about a second to import, so only a rendered report pays for them. */
function load(): Promise<Engines> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vl]) => ({ vega, vl }));
  return engines;
}

/** A logger that keeps warnings instead of printing them. */
function collector(into: string[]): LoggerInterface {
  let level = 2;
  const logger: LoggerInterface = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      into.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: unknown[]) {
      into.push(args.map(String).join(' '));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Makes an SVG safe to inline next to others and byte-identical run to run: vega numbers clip paths and gradients
 * from a process-wide counter, so ids are renamed in order of appearance with the chart's prefix; the namespace
 * declarations are dropped, as HTML puts <svg> in its namespace by itself.
 */
export function tidySvg(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\bid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `${prefix}-${ids.size + 1}`);
  let out = svg.replace(/ xmlns(:xlink)?="[^"]*"/g, '');
  out = out.replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${ids.get(id)!}"`);
  out = out.replace(/url\(#([^)]+)\)/g, (whole, id: string) => (ids.has(id) ? `url(#${ids.get(id)!})` : whole));
  out = out.replace(/href="#([^"]+)"/g, (whole, id: string) => (ids.has(id) ? `href="#${ids.get(id)!}"` : whole));
  return titled(rounded(out));
}

/** Coordinates in paths and transforms to 2 decimals (vega writes up to 17 digits: bytes, not precision). */
export function rounded(svg: string): string {
  const round = (n: string) => String(Math.round(Number(n) * 100) / 100);
  return svg.replace(/ (d|transform)="([^"]*)"/g, (_, attr: string, v: string) => ` ${attr}="${v.replace(/-?\d+\.\d{3,}(e-?\d+)?/g, round)}"`);
}

/**
 * A mark item with a description (the specs give one only to marks with a tooltip) gets it as an SVG <title>,
 * which browsers show on hover; vega writes it as an aria-label, which they do not.
 */
export function titled(svg: string): string {
  return svg.replace(/<(\w+) aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="[^"]*"([^>]*?)\/>/g, (_, tag: string, label: string, rest: string) => `<${tag}${rest}><title>${label}</title></${tag}>`);
}

/** Compiles vega-lite to vega and renders it headless (no canvas) to SVG. */
async function renderSpec(spec: Chart['spec'], prefix: string, warnings: string[]): Promise<string> {
  const { vega, vl } = await load();
  const logger = collector(warnings);
  const compiled = vl.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger });
  try {
    return tidySvg(await view.toSVG(), prefix);
  } finally {
    view.finalize();
  }
}

/** A chart (and its narrow variant) as inline SVG. */
export async function renderChart(chart: Chart): Promise<RenderedChart> {
  const warnings: string[] = [];
  const svg = await renderSpec(chart.spec, chart.id, warnings);
  if (!chart.narrow) return { chart, svg, warnings };
  return { chart, svg, narrowSvg: await renderSpec(chart.narrow, `${chart.id}-n`, warnings), warnings };
}

/** Renders charts one after another (vega is single-threaded; order keeps output stable). */
export async function renderCharts(charts: Chart[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const c of charts) out.push(await renderChart(c));
  return out;
}
