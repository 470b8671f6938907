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
const WIDTH = 1200;
const HEIGHT = 1600;

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

if (!chromium && process.env.CI) {
  test('chromium is installed, so the report is checked in a real browser (CI must run apt-get install -y chromium)', () => {
    assert.unreachable('no /usr/bin/chromium and no chromium on PATH');
  });
} else if (!chromium) {
  console.warn('\n!!! browser.test: chromium not found (/usr/bin/chromium or on PATH): SKIPPING the real-browser check of the HTML report.\n!!! Install it with: apt-get update && apt-get install -y chromium\n');
  test.skip('a run report opened in headless chromium shows its charts (chromium not installed)', () => undefined);
} else {
  test('a run report opened in headless chromium shows its charts, not a blank page', async () => {
    const file = join(TMP, 'tiny.json');
    const scenario = { pullsim: 1, name: 'tiny', topology: { snapshot: join(ROOT, 'snapshots/generated-16.json') }, events: [{ at: '0s', upload: { node: 'random', chunks: 50 } }] };
    writeFileSync(file, JSON.stringify(scenario));
    const { scenario: s, topology } = loadScenario(file);
    const result = buildResult(runScenario(s, topology, { seed: 1 }), file, configHash(s, topology));
    const html = await writeRunReport(join(TMP, 'run'), result);
    const png = join(TMP, 'shot.png');
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];
    args.push(`--user-data-dir=${join(TMP, 'profile')}`, `--window-size=${WIDTH},${HEIGHT}`, '--virtual-time-budget=5000', `--screenshot=${png}`, `file://${html}`);
    const run = spawnSync(chromium, args, { encoding: 'utf8', timeout: 60_000 });
    assert.ok(existsSync(png), `chromium wrote no screenshot (exit ${run.status}, signal ${run.signal}):\n${run.stderr}`);
    const img = decodePng(readFileSync(png));
    assert.equal([img.width, img.height], [WIDTH, HEIGHT]);
    const seen = inspect(img, [PALETTE[0]!, PALETTE[1]!]);
    assert.ok(seen.ink > 0.03, `only ${(seen.ink * 100).toFixed(2)}% of the pixels are drawn: a blank page?`);
    assert.ok(seen.colours >= 200, `only ${seen.colours} distinct colours (text alone gives about 125)`);
    assert.ok(seen.near[0]! >= 300, `only ${seen.near[0]} pixels of the held-pairs line colour ${PALETTE[0]}`);
    assert.ok(seen.near[1]! >= 100, `only ${seen.near[1]} pixels of the beyond-AoR line colour ${PALETTE[1]}`);
  });
}

test.after(() => rmSync(TMP, { recursive: true, force: true }));

test.run();
