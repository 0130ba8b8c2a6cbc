import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { formatLog, type LogRecord } from './board.js';
import type { Launcher, ServiceRow } from './app.js';

const HEADER = ['NAME', 'GROUP', 'STATE', 'PID', 'RESTARTS', 'UPTIME'] as const;

export function formatUptime(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

/** The status table as lines of aligned columns. */
export function renderTable(rows: readonly ServiceRow[]): string[] {
  const cells = rows.map((r) => [r.name, r.group, r.state, r.pid === null ? '-' : String(r.pid), String(r.restarts), formatUptime(r.uptimeMs)]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(HEADER), ...cells.map(line)];
}

export interface StatusViewOptions {
  readonly out: Writable;
  /** Redraw the table in place (a terminal) or print plain lines. */
  readonly tty: boolean;
  /** How often the table is redrawn for uptimes, ms (TTY only). */
  readonly refreshMs?: number;
}

/**
 * Output of the CLI. On a terminal: log lines scroll above a status table that is redrawn
 * in place, with the command being typed below it (see `terminalInput`). Otherwise: plain
 * log lines, and the table only when asked (status) and at exit.
 */
export class StatusView {
  private launcher: Launcher | null = null;
  /** Table lines on screen above the cursor's line. */
  private drawn = 0;
  /** The command line being typed (a terminal in raw mode), drawn below the table; null: none. */
  private input: string | null = null;
  /** Whether the input line is on screen (the cursor sits at its end). */
  private inputShown = false;
  private timer: NodeJS.Timeout | null = null;
  private pending: NodeJS.Immediate | null = null;

  constructor(private readonly options: StatusViewOptions) {}

  attach(launcher: Launcher): void {
    this.launcher = launcher;
    if (this.options.tty) {
      this.timer = setInterval(() => this.redraw(), this.options.refreshMs ?? 1000);
      this.timer.unref();
      this.redraw();
    }
  }

  log(record: LogRecord): void {
    this.message(formatLog(record));
  }

  /** A plain line (command replies) above the table. */
  message(line: string): void {
    if (!this.options.tty) {
      this.options.out.write(`${line}\n`);
      return;
    }
    this.clear();
    this.options.out.write(`${line}\n`);
    this.drawn = 0;
    // Many records arrive together: draw the table once after them.
    this.pending ??= setImmediate(() => {
      this.pending = null;
      this.redraw();
    });
  }

  /** The terminal echoed a typed command line below the table: it is one line taller now. */
  inputEchoed(): void {
    if (this.options.tty && this.drawn > 0) this.drawn += 1;
  }

  /** The line being typed (raw-mode terminal input), redrawn below the table; null hides it. */
  setInput(text: string | null): void {
    this.input = text;
    if (!this.options.tty) return;
    if (this.launcher === null) {
      this.clear();
      this.showInput();
    } else {
      this.redraw();
    }
  }

  /** Print the table as plain lines (status command, exit). */
  printTable(target = 'all'): void {
    if (this.launcher === null) return;
    this.clear();
    for (const l of renderTable(this.launcher.status(target))) this.options.out.write(`${l}\n`);
    this.drawn = 0;
    if (this.options.tty) this.redraw();
  }

  private clear(): void {
    if (this.inputShown) this.options.out.write(`\r${this.drawn > 0 ? `\x1b[${this.drawn}A` : ''}\x1b[0J`);
    else if (this.drawn > 0) this.options.out.write(`\x1b[${this.drawn}F\x1b[0J`);
    this.drawn = 0;
    this.inputShown = false;
  }

  private showInput(): void {
    if (this.input === null) return;
    this.options.out.write(`> ${this.input}`);
    this.inputShown = true;
  }

  private redraw(): void {
    if (!this.options.tty || this.launcher === null) return;
    this.clear();
    const lines = renderTable(this.launcher.status());
    this.options.out.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
    this.showInput();
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.pending !== null) clearImmediate(this.pending);
    this.timer = null;
    this.pending = null;
    this.clear();
  }
}

export const HELP = [
  'commands: start <target> | stop <target> | restart <target> | status [target] | quit',
  'target: a service name, @group, or all',
].join('\n');

/**
 * The command line on stdin, one command per line; replies go through the view.
 * `echoes`: the input is a terminal that echoes what is typed. Returns a disposer.
 */
export function commandLine(input: Readable, echoes: boolean, launcher: Launcher, view: StatusView, onQuit: () => void): () => void {
  const rl = createInterface({ input, terminal: false });
  rl.on('line', (raw) => {
    if (echoes) view.inputEchoed();
    runCommand(raw, launcher, view, onQuit);
  });
  return () => rl.close();
}

/** A terminal the launcher can take over: it reads keys, not lines (node's tty.ReadStream). */
export interface RawInput extends Readable {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface TerminalInputOptions {
  /** Ctrl-C. The terminal sends no SIGINT while the launcher reads keys, so no child sees one. */
  readonly onInterrupt: () => void;
  /** `quit`, or Ctrl-D on an empty line. */
  readonly onQuit: () => void;
}

/**
 * The command line on a terminal, in raw mode: the launcher reads keys itself, draws the
 * line being typed below the status table, and takes Ctrl-C as a key. That matters: in a
 * terminal's normal mode Ctrl-C sends SIGINT to the whole foreground process group (npm,
 * the launcher and every service it started), so the services would die by SIGINT before
 * the launcher could stop them with SIGTERM and a grace period. Returns a disposer that
 * gives the terminal back.
 */
export function terminalInput(input: RawInput, launcher: Launcher, view: StatusView, options: TerminalInputOptions): () => void {
  let line = '';
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  view.setInput(line);
  const onData = (chunk: string) => {
    // An escape sequence (arrow keys, function keys) arrives as one chunk: ignore it.
    if (chunk.startsWith('\x1b')) return;
    for (const ch of chunk) {
      if (ch === '\x03') {
        line = '';
        view.setInput(line);
        options.onInterrupt();
      } else if (ch === '\x04') {
        if (line === '') options.onQuit();
      } else if (ch === '\r' || ch === '\n') {
        const typed = line;
        line = '';
        view.setInput(line);
        if (typed.trim() !== '') view.message(`> ${typed}`);
        runCommand(typed, launcher, view, options.onQuit);
      } else if (ch === '\x7f' || ch === '\b') {
        line = [...line].slice(0, -1).join('');
        view.setInput(line);
      } else if (ch === '\x15') {
        line = '';
        view.setInput(line);
      } else if (ch >= ' ') {
        line += ch;
        view.setInput(line);
      }
    }
  };
  input.on('data', onData);
  input.resume();
  return () => {
    input.off('data', onData);
    view.setInput(null);
    input.setRawMode?.(false);
    input.pause();
  };
}

function runCommand(raw: string, launcher: Launcher, view: StatusView, onQuit: () => void): void {
  const say = (line: string) => {
    for (const l of line.split('\n')) view.message(l);
  };
  const [cmd, target, ...rest] = raw.trim().split(/\s+/);
  if (cmd === undefined || cmd === '') return;
  // A typing mistake is answered on the status line; errors thrown by the launcher are its coded ones.
  const mistake = (what: string) => say(`error: ${what}`);
  if (rest.length > 0) return mistake(`too many words: ${raw.trim()}`);
  try {
    switch (cmd) {
      case 'start':
      case 'stop':
      case 'restart':
        if (target === undefined) return mistake(`${cmd} what? ${HELP.split('\n')[1]}`);
        launcher[cmd](target);
        break;
      case 'status':
        view.printTable(target ?? 'all');
        break;
      case 'quit':
      case 'exit':
        onQuit();
        break;
      case 'help':
        say(HELP);
        break;
      default:
        return mistake(`unknown command "${cmd}". ${HELP}`);
    }
  } catch (error) {
    say(`error: ${(error as Error).message}`);
  }
}

/**
 * The launcher on this process's stdin: key by key on a terminal (`terminalInput`), line by
 * line otherwise (`commandLine`). Returns a disposer that gives stdin back.
 */
export function attachStdin(launcher: Launcher, view: StatusView, options: TerminalInputOptions): () => void {
  const stdin = process.stdin;
  const close =
    stdin.isTTY === true && typeof stdin.setRawMode === 'function'
      ? terminalInput(stdin, launcher, view, options)
      : commandLine(stdin, false, launcher, view, options.onQuit);
  return () => {
    close();
    stdin.destroy();
  };
}
