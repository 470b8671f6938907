import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Tests run from dist/test/*.js: the repository root is two levels up from the compiled file's folder.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const WALL_CLOCK = ['Math.random', 'Date.now', 'performance.now', 'new Date(', 'setTimeout', 'setInterval', 'setImmediate', 'process.hrtime'];
const OPT_OUT = /\/\/ tidy: wall-clock allowed \(([^)]*\S[^)]*)\)/;
const NO_OPT_OUT_DIRS = ['src/core/', 'src/protocol/', 'src/sim/', 'src/net/', 'src/topology/'];
const ANY_TYPE = /:\s*any\b|\bas\s+any\b|[<,|&]\s*any\s*[>,|&\]]|\bany\[\]/;
const MAX_LINES = 400;
const PROTOCOL_MUST_NOT_IMPORT = ['net', 'sim', 'check', 'scenario', 'report', 'cli'];

/** Every .ts file under dir, as repo-relative posix paths, sorted. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(relative(ROOT, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/**
 * The text with comments removed (line breaks kept, so line numbers stay right) and, with `blankQuoted`, the
 * contents of '...' and "..." strings blanked; template literals are kept, as they may hold code in ${}.
 * Good enough for style checks: a comment or an error message that mentions Date.now is not a use of it.
 */
function code(text: string, blankQuoted: boolean): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && next === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) out += text[i++] === '\n' ? '\n' : '';
      i += 2;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      out += text[i++];
      const blank = blankQuoted && ch !== '`';
      while (i < text.length && text[i] !== ch) {
        const n = text[i] === '\\' ? 2 : 1;
        const part = text.slice(i, i + n);
        out += blank ? part.replace(/[^\n]/g, ' ') : part;
        i += n;
      }
      if (i < text.length) out += text[i++];
    } else out += text[i++];
  }
  return out;
}

/** The src/ folder (or top-level file name without extension) an import specifier of `file` resolves to. */
function importTarget(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined; // a package or node: builtin
  const resolved = posix.normalize(posix.join(posix.dirname(file), spec));
  if (!resolved.startsWith('src/')) return resolved;
  const first = resolved.slice('src/'.length).split('/')[0]!;
  return first.replace(/\.(js|ts)$/, '');
}

/** The protocol-specific folders: protocol/<kind>/ and its checker properties, check/<kind>/. */
const PLUGIN = /^src\/(protocol|check)\/(stream|bee)\//;

/** sim/ and the neutral check/ import no protocol's own code (only its checker properties under check/<kind>/ do). */
function pluginLeak(file: string, spec: string): boolean {
  if (!spec.startsWith('.')) return false;
  const neutral = file.startsWith('src/sim/') || (file.startsWith('src/check/') && !PLUGIN.test(file));
  return neutral && PLUGIN.test(posix.normalize(posix.join(posix.dirname(file), spec)));
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/g;

/** Every style problem of one src file, as "file:line: what". */
function tidyProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  const rawLines = text.split('\n');
  const codeLines = code(text, true).split('\n');
  const importLines = code(text, false).split('\n');
  const optOut = rawLines.findIndex((l) => OPT_OUT.test(l));
  const isCli = file === 'src/cli.ts' || file.startsWith('src/cli/');
  const inCoreDir = NO_OPT_OUT_DIRS.some((d) => file.startsWith(d));
  if (optOut >= 0 && inCoreDir) problems.push(`${file}:${optOut + 1}: wall-clock opt-out is not allowed under ${NO_OPT_OUT_DIRS.join(', ')}`);
  const wallClockAllowed = isCli || (optOut >= 0 && !inCoreDir);
  const lineCount = text.endsWith('\n') ? rawLines.length - 1 : rawLines.length;
  if (lineCount > MAX_LINES) problems.push(`${file}:${MAX_LINES + 1}: file has ${lineCount} lines (limit ${MAX_LINES})`);
  const folder = file.split('/')[1]!;
  codeLines.forEach((line, i) => {
    const withStrings = importLines[i]!;
    const at = `${file}:${i + 1}`;
    if (!wallClockAllowed) for (const w of WALL_CLOCK) if (line.includes(w)) problems.push(`${at}: ${w} (wall clock or global randomness)`);
    if (ANY_TYPE.test(line)) problems.push(`${at}: an \`any\` type`);
    for (const m of withStrings.matchAll(IMPORT)) {
      const spec = m[2]!;
      const target = importTarget(file, spec);
      if (target === undefined) continue;
      if (folder === 'protocol' && PROTOCOL_MUST_NOT_IMPORT.includes(target)) problems.push(`${at}: protocol/ imports ${spec} (protocol may import core/ and topology/ only)`);
      if (folder === 'core' && target !== 'core') problems.push(`${at}: core/ imports ${spec} (core imports no other src folder)`);
      if (pluginLeak(file, spec)) problems.push(`${at}: ${file.split('/')[1]}/ imports ${spec}, a protocol's own code (only protocol/<kind>/ and check/<kind>/ may)`);
    }
  });
  return problems;
}

test('the repository root is found from the compiled test file', () => {
  assert.ok(existsSync(join(ROOT, 'package.json')), `no package.json in ${ROOT}`);
  assert.ok(existsSync(join(ROOT, 'src')), `no src/ in ${ROOT}`);
});

test('the tidy rules catch each forbidden thing in a sample file', () => {
  const sample = [
    "import { x } from '../net/links.js';",
    "import type { Y } from '../sim/world.js';",
    "const z = await import('../cli.js');",
    'const t = Date.now();',
    'const r = Math.random();',
    'setTimeout(() => 0, 1);',
    'const d = new Date();',
    'let v: any = 1;',
    'const w = v as any;',
    'const u = <any>v;',
    "import { ok } from '../core/errors.js';",
    "import { po16 } from '../topology/address.js';",
    '// Date.now in a comment is fine, so is `: any` here',
    "const s = 'http://a.string/not/a/comment'; const r2 = Math.random();",
    'const m: Map<string, any> = new Map();',
    'const xs = [] as any[];',
    "throw new Error('expected: any of Date.now, Math.random');",
  ].join('\n');
  const p = tidyProblems('src/protocol/sample.ts', sample);
  const lines = p.map((x) => Number(x.split(':')[1]));
  assert.equal([...new Set(lines)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16], p.join('\n'));
  assert.ok(p[0]!.startsWith('src/protocol/sample.ts:1: protocol/ imports ../net/links.js'), p[0]);
});

test('core may import only core, and packages are always fine', () => {
  const p = tidyProblems('src/core/x.ts', "import seedrandom from 'seedrandom';\nimport { a } from './queue.js';\nimport { b } from '../topology/address.js';\n");
  assert.equal(p, ["src/core/x.ts:3: core/ imports ../topology/address.js (core imports no other src folder)"]);
});

test('the wall clock is allowed in the cli and with an explicit opt-out outside the simulator core', () => {
  assert.equal(tidyProblems('src/cli.ts', 'const t = Date.now();'), []);
  assert.equal(tidyProblems('src/cli/progress.ts', 'setInterval(f, 100);'), []);
  const optedOut = '// tidy: wall-clock allowed (report footer shows when it was made)\nconst d = new Date();';
  assert.equal(tidyProblems('src/report/html.ts', optedOut), []);
  assert.equal(tidyProblems('src/report/html.ts', '// tidy: wall-clock allowed ()\nconst d = new Date();').length, 1, 'the reason is required');
  for (const dir of ['core', 'protocol', 'sim', 'net', 'topology']) {
    const p = tidyProblems(`src/${dir}/x.ts`, optedOut);
    assert.ok(p.some((x) => x.includes('opt-out is not allowed')), `${dir}: ${p.join('; ')}`);
    assert.ok(p.some((x) => x.includes('new Date(')), `${dir} still reports the use`);
  }
});

test("sim/ and the neutral check/ import no protocol's own code; a protocol's checker properties may", () => {
  const uses = "import { SyncNode } from '../protocol/stream/node.js';\nimport { x } from '../protocol/api.js';\n";
  assert.equal(tidyProblems('src/sim/x.ts', uses), ["src/sim/x.ts:1: sim/ imports ../protocol/stream/node.js, a protocol's own code (only protocol/<kind>/ and check/<kind>/ may)"]);
  assert.equal(tidyProblems('src/check/x.ts', "import { c } from './bee/checks.js';").length, 1);
  assert.equal(tidyProblems('src/check/stream/x.ts', "import { M } from '../../protocol/stream/messages.js';"), []);
  assert.equal(tidyProblems('src/scenario/x.ts', "import { S } from '../protocol/stream/plugin.js';"), []);
});

test('a file over 400 lines is reported', () => {
  assert.equal(tidyProblems('src/sim/x.ts', 'x;\n'.repeat(400)), []);
  assert.equal(tidyProblems('src/sim/x.ts', 'x;\n'.repeat(401)), ['src/sim/x.ts:401: file has 401 lines (limit 400)']);
});

test('every src file is tidy: no wall clock or global randomness, no any, at most 400 lines, imports point down', () => {
  const files = tsFiles(join(ROOT, 'src'));
  assert.ok(files.length > 10, `only ${files.length} .ts files found under src/`);
  const problems = files.flatMap((f) => tidyProblems(f, readFileSync(join(ROOT, f), 'utf8')));
  assert.ok(problems.length === 0, `${problems.length} tidy problem(s):\n  ${problems.join('\n  ')}`);
});

test.run();
