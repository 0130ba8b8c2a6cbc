import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');

/**
 * Errors a package throws at its users are SwitchyardError subclasses with a stable code and a
 * message naming the culprit. These are the shapes of the errors that are not: a bare built-in
 * error class, or a plain Error (thrown, rejected, used as an abort reason or a fallback, or
 * dressed up with a code: any of them can reach a process or a caller). The scan covers every
 * package's src (libs, plugins, examples, tools except the benchmarks) and so the CLI's
 * templates too: the code they generate is text in libs/cli/src/generate.
 */
const BARE = [/\bnew (?:TypeError|RangeError|SyntaxError|ReferenceError|EvalError|URIError)\(/, /\bnew Error\(/];

/**
 * The short list of places that may keep one, each with why. `line` is a fragment of the line,
 * so the entry follows the code when lines move and fails loudly when the code changes.
 */
const ALLOWED: readonly { file: string; line: string; reason: string }[] = [
  {
    file: 'plugins/sql/src/connection.ts',
    line: 'throw Object.assign(new Error(',
    reason:
      'Connection is sent to the SQL worker thread as source text (Connection.toString()), so it cannot import SqlError; ' +
      'its errors are marked with sqlPhase and toSqlError() turns every one into a SqlError naming the database before a process sees it',
  },
  {
    file: 'plugins/sql/src/worker-link.ts',
    line: 'new Error(',
    reason:
      'the worker thread\'s exit or open failure, only ever the cause of a SqlError: fail() wraps it in SQL_WORKER_FAILED and ' +
      'the plugin\'s start wraps an open() rejection in SQL_OPEN_FAILED naming the database and file',
  },
  {
    file: 'plugins/http/src/guard.ts',
    line: 'const e: NodeJS.ErrnoException = new Error(',
    reason: 'Node\'s dns lookup callback takes an errno-style error (code SY_HTTP_BLOCKED); the client turns it into HttpError HTTP_BLOCKED naming the URL',
  },
  {
    file: 'plugins/workflow/src/replayer.ts',
    line: 'error instanceof Error ? error : new Error(String(error))',
    reason: 'a replayed workflow threw a value that is not an Error: the replay report carries what the user\'s own code threw, as an Error',
  },
  {
    file: 'plugins/workflow/src/run.ts',
    line: 'new Error(',
    reason: 'encodeError() journals what a workflow (user code) threw, keeping its name and code; a non-Error value is wrapped so the journal can hold it',
  },
  {
    file: 'plugins/sql/src/worker-script.ts',
    line: "throw new Error('unknown operation '",
    reason: 'text of the worker thread\'s source (a protocol invariant between two files of the plugin); the reply becomes a SqlError in the main thread',
  },
];

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (/\.(?:ts|mts|cts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function packageSources(): string[] {
  const out: string[] = [];
  for (const top of ['libs', 'plugins', 'examples', 'tools']) {
    for (const pkg of readdirSync(join(root, top))) {
      if (top === 'tools' && pkg === 'bench') continue;
      const src = join(root, top, pkg, 'src');
      try {
        if (!statSync(src).isDirectory()) continue;
      } catch {
        continue;
      }
      out.push(...sources(src));
    }
  }
  return out;
}

/** `file:line: text` for every line with a bare error that the allow-list does not cover. */
function findBare(files: readonly string[]): { found: string[]; allowedUsed: Set<number> } {
  const found: string[] = [];
  const allowedUsed = new Set<number>();
  for (const path of files) {
    const file = relative(root, path).split('\\').join('/');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.forEach((text, i) => {
      const trimmed = text.trim();
      if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return;
      if (!BARE.some((re) => re.test(text))) return;
      const allowed = ALLOWED.findIndex((a) => a.file === file && text.includes(a.line));
      if (allowed >= 0) allowedUsed.add(allowed);
      else found.push(`${file}:${i + 1}: ${trimmed.slice(0, 120)}`);
    });
  }
  return { found, allowedUsed };
}

describe('no bare errors in package sources', () => {
  const files = packageSources();

  it('every package uses coded errors: no TypeError/RangeError, no plain Error (file:line of each offender)', () => {
    expect(findBare(files).found).toEqual([]);
  });

  it('every allow-list entry still matches a line and says why (no stale exceptions)', () => {
    const { allowedUsed } = findBare(files);
    const stale = ALLOWED.filter((_, i) => !allowedUsed.has(i)).map((a) => `${a.file}: ${a.line}`);
    expect(stale).toEqual([]);
    for (const a of ALLOWED) expect(a.reason.length).toBeGreaterThan(40);
  });

  it('the scan reads the packages and their templates, and would catch each shape', () => {
    // The packages are really read: the kernel, a plugin and the CLI's generator.
    const names = files.map((f) => relative(root, f).split('\\').join('/'));
    expect(names).toContain('libs/runtime/src/errors.ts');
    expect(names).toContain('plugins/clock/src/errors.ts');
    expect(names).toContain('libs/cli/src/generate/plugin-templates.ts');
    expect(names.some((n) => n.startsWith('tools/bench/'))).toBe(false);
    // Each shape is caught, also inside a template's text; a comment or a coded error is not.
    const caught = (line: string) => BARE.some((re) => re.test(line));
    expect(caught("  if (x) throw new TypeError('x must be a string');")).toBe(true);
    expect(caught('    throw new RangeError(\\`echo(): ms must be >= 0\\`);')).toBe(true);
    expect(caught("  throw new Error('boom');")).toBe(true);
    expect(caught("  controller.abort(new Error('call cancelled'));")).toBe(true);
    expect(caught("  receiver.completeYield(tag, undefined, error ?? new Error('nullish'));")).toBe(true);
    expect(caught("  throw Object.assign(new Error('timeout'), { code: 'T' });")).toBe(true);
    expect(caught("  throw new OptionError('where', 'key', 'must be');")).toBe(false);
    expect(caught("  throw new SystemRangeError(12, 'a', 'b', 10, 29);")).toBe(false);
  });
});
