/** The launcher's arguments: `<services.json> [--duration <ms>]`, for `npm start` and `switchyard run` alike. */
export const USAGE = 'usage: launcher <services.json> [--duration <ms>]';

/** A bad command line; the message says what is wrong. */
export class LauncherUsageError extends Error {
  override readonly name = 'LauncherUsageError';
}

export interface LauncherArgs {
  /** The services file, as given (resolve it against the working directory). */
  readonly file: string | undefined;
  /** Run that long, then stop gracefully. */
  readonly durationMs: number | undefined;
}

export function parseLauncherArgs(argv: readonly string[]): LauncherArgs {
  let file: string | undefined;
  let durationMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--duration') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new LauncherUsageError(`--duration needs a number of ms > 0, got ${argv[i] ?? 'nothing'}`);
      durationMs = v;
    } else if (a.startsWith('-')) {
      throw new LauncherUsageError(`unknown option ${a}`);
    } else if (file === undefined) {
      file = a;
    } else {
      throw new LauncherUsageError(`one services file only, got ${file} and ${a}`);
    }
  }
  return { file, durationMs };
}
