import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { writeRunReport } from '../src/cli/report.js';
import { buildResult, configHash } from '../src/report/result.js';
import { PALETTE } from '../src/report/specs.js';
import { loadScenario } from '../src/scenario/loader.js';
import { runScenario } from '../src/scenario/runner.js';

// Tests run from dist/test/*.js: the repository root is two levels up.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TMP = mkdtempSync(join(tmpdir(), 'pullsim-browser-'));
/** The window widths the report is checked at: a narrow laptop window and a wide screen. */
const WIDTHS = [800, 1400];
const HEIGHT = 2400;

/** Debian's chromium at /usr/bin/chromium, or a `chromium` on PATH. */
function findChromium(): string | undefined {
  const candidates = ['/usr/bin/chromium', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'chromium'))];
  return candidates.find((p) => existsSync(p));
}

interface Image {
  width: number;
  height: number;
  /** RGB triples, row by row */
  rgb: Uint8Array;
}

/** Decodes an 8-bit, non-interlaced PNG (grey, RGB or RGBA) with node:zlib: IHDR, inflate the IDATs, undo each row's filter. */
function decodePng(buf: Buffer): Image {
  assert.equal([...buf.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'PNG signature');
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; ) {
    const len = buf.readUInt32BE(off);
    const type = buf.toString('ascii', off + 4, off + 8);
    const data = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.is(data[8], 8, 'bit depth 8');
      assert.is(data[12], 0, 'not interlaced');
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]!] ?? 0;
      assert.ok(channels > 0, `colour type ${data[9]}`);
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = y * (stride + 1) + 1;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[y * stride + x - channels]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      px[y * stride + x] = (raw[line + x]! + predictor) & 255;
    }
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = px[i * channels + (channels >= 3 ? k : 0)]!;
  return { width, height, rgb };
}

const hex = (h: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

/** Share of pixels far from white and from the page background, distinct colours (5 bits a channel), and pixels near each given colour. */
function inspect(img: Image, near: string[]): { ink: number; colours: number; near: number[] } {
  const paper = [hex('#ffffff'), hex('#f6f7f9')];
  const targets = near.map(hex);
  const counts = targets.map(() => 0);
  const seen = new Set<number>();
  let ink = 0;
  for (let i = 0; i < img.rgb.length; i += 3) {
    const [r, g, b] = [img.rgb[i]!, img.rgb[i + 1]!, img.rgb[i + 2]!];
    const dist = ([x, y, z]: [number, number, number]) => Math.abs(r - x) + Math.abs(g - y) + Math.abs(b - z);
    if (paper.every((p) => dist(p) > 30)) ink++;
    seen.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
    targets.forEach((t, k) => (dist(t) <= 30 ? counts[k]!++ : 0));
  }
  return { ink: ink / (img.width * img.height), colours: seen.size, near: counts };
}

const chromium = findChromium();

/**
 * Appended to a copy of the page: after layout, the smallest text on screen in each visible chart (its font size
 * times the SVG's scale on screen), the chart's width, whether it is wider than its box (it scrolls), and whether
 * the page itself is wider than the window; written to document.title for --dump-dom to carry out.
 */
const MEASURE = `<script>
const charts = [];
for (const svg of document.querySelectorAll('figure svg')) {
  const box = svg.getBoundingClientRect();
  if (box.width === 0) continue;
  const scale = svg.getScreenCTM().a;
  let min = Infinity;
  for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * scale);
  const holder = svg.parentElement;
  charts.push({ id: svg.closest('figure').id, min, width: Math.round(box.width), scrolls: holder.scrollWidth > holder.clientWidth + 1 });
}
const stories = [];
for (const svg of document.querySelectorAll('.storybox svg')) {
  const box = svg.getBoundingClientRect();
  if (box.width === 0) continue;
  let min = Infinity;
  for (const t of svg.querySelectorAll('text')) min = Math.min(min, parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a);
  stories.push({ id: svg.closest('.storybox').id, min, width: Math.round(box.width), narrow: svg.parentElement.classList.contains('narrow') });
}
document.title = JSON.stringify({ window: innerWidth, page: document.documentElement.scrollWidth, charts, stories });
</script>`;

interface Measured {
  window: number;
  page: number;
  charts: { id: string; min: number; width: number; scrolls: boolean }[];
  stories: { id: string; min: number; width: number; narrow: boolean }[];
}

/** Opens the page at `width` px in headless chromium: a screenshot of its top and what MEASURE found; `css` is added to its style. */
function open(html: string, width: number, css = ''): { img: Image; measured: Measured } {
  const page = join(TMP, `measured-${width}.html`);
  writeFileSync(page, readFileSync(html, 'utf8').replace('</style>', `${css}</style>`).replace('</body>', `${MEASURE}</body>`));
  const png = join(TMP, `shot-${width}.png`);
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
  args.push(`--user-data-dir=${join(TMP, `profile-${width}`)}`, `--window-size=${width},${HEIGHT}`, '--virtual-time-budget=5000', `--screenshot=${png}`, '--dump-dom', `file://${page}`);
  const run = spawnSync(chromium!, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
  assert.ok(existsSync(png), `chromium wrote no screenshot (exit ${run.status}, signal ${run.signal}):\n${run.stderr}`);
  const title = /<title>([^<]*)<\/title>/.exec(run.stdout)?.[1] ?? '';
  const json = title.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.ok(json.startsWith('{'), `the page's measurement did not run: ${title.slice(0, 200)}`);
  return { img: decodePng(readFileSync(png)), measured: JSON.parse(json) as Measured };
}

if (!chromium && process.env.CI) {
  test('chromium is installed, so the report is checked in a real browser (CI must run apt-get install -y chromium)', () => {
    assert.unreachable('no /usr/bin/chromium and no chromium on PATH');
  });
} else if (!chromium) {
  console.warn('\n!!! browser.test: chromium not found (/usr/bin/chromium or on PATH): SKIPPING the real-browser check of the HTML report.\n!!! Install it with: apt-get update && apt-get install -y chromium\n');
  test.skip('a run report opened in headless chromium shows its charts (chromium not installed)', () => undefined);
} else {
  /** A 16-node run with churn, a latency spike and a partition, so every chart of the page is drawn. */
  async function report(): Promise<string> {
    const file = join(TMP, 'faulty.json');
    const events = [
      { at: '0s', upload: { node: 'random', chunks: 40 } },
      { at: '1s', churn: { rate: '1/s', downtime: ['1s', '2s'], until: '5s' } },
      { at: '2s', links: { latency: '300ms', for: '2s' } },
      { at: '3s', partition: { halves: true } },
      { at: '6s', heal: {} },
    ];
    writeFileSync(file, JSON.stringify({ pullsim: 1, name: 'faulty', topology: { snapshot: join(ROOT, 'snapshots/generated-16.json') }, events, expect: { maxDuplicates: 100000 } }));
    const { scenario: s, topology } = loadScenario(file);
    return writeRunReport(join(TMP, 'run'), buildResult(runScenario(s, topology, { seed: 1 }), file, configHash(s, topology)));
  }
  const html = await report();

  for (const width of WIDTHS) {
    test(`at ${width} px a run report shows its charts, every chart text at least 11 px on screen, nothing wider than its box`, () => {
      const { img, measured } = open(html, width);
      assert.equal([img.width, img.height], [width, HEIGHT]);
      const seen = inspect(img, [PALETTE[0]!, PALETTE[1]!]);
      assert.ok(seen.ink > 0.03, `only ${(seen.ink * 100).toFixed(2)}% of the pixels are drawn: a blank page?`);
      assert.ok(seen.colours >= 200, `only ${seen.colours} distinct colours (text alone gives about 125)`);
      assert.ok(seen.near[0]! >= 300, `only ${seen.near[0]} pixels of the held-pairs curve colour ${PALETTE[0]}`);
      assert.ok(seen.near[1]! >= 100, `only ${seen.near[1]} pixels of the beyond-AoR curve colour ${PALETTE[1]}`);
      assert.is(measured.window, width);
      assert.ok(measured.page <= width, `the page is ${measured.page} px wide in a ${width} px window`);
      assert.ok(measured.charts.length >= 12, `${measured.charts.length} charts shown`);
      for (const c of measured.charts) {
        assert.ok(c.min >= 11 - 1e-6, `${c.id}: ${c.min.toFixed(2)} px text on screen`);
        assert.not.ok(c.scrolls, `${c.id}: ${c.width} px, wider than its box`);
      }
      const ids = measured.charts.map((c) => c.id);
      assert.is(new Set(ids).size, ids.length, 'one variant of each chart is shown');
    });

    test(`at ${width} px the report's stories show one diagram each, the variant for the width, its text at least 11 px, arrows in the message colours`, () => {
      // the stories section alone at the top of the window, so the screenshot shows diagrams
      const { img, measured } = open(html, width, 'header,figure,section:not(#stories){display:none}');
      assert.ok(measured.stories.length >= 2, `${measured.stories.length} story diagrams shown`);
      const ids = measured.stories.map((x) => x.id);
      assert.is(new Set(ids).size, ids.length, 'one variant of each story is shown');
      for (const x of measured.stories) {
        assert.ok(x.min >= 11 - 1e-6, `${x.id}: ${x.min.toFixed(2)} px text on screen`);
        assert.is(x.narrow, width < 1200, `${x.id}: the ${x.narrow ? 'narrow' : 'wide'} variant at ${width} px`);
        assert.ok(x.width <= width, `${x.id}: ${x.width} px in a ${width} px window`);
      }
      assert.ok(measured.page <= width, `the page is ${measured.page} px wide in a ${width} px window`);
      const seen = inspect(img, ['#1f78b4', '#d95f02', '#2e7d32']);
      assert.ok(seen.near.every((n) => n >= 50), `pixels of offer, want and delivery arrows: ${seen.near.join(', ')}`);
    });
  }
}

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
