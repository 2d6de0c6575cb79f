/** The CLI's view of its surroundings, injectable so tests run it in-process. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout / stderr are terminals (colour and progress depend on it). */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** All of standard input (`--stdin-filename`, a path of `-`). */
  readStdin?: () => Promise<string>;
  /** Ends `--watch` (tests; a terminal ends it with Ctrl+C). */
  signal?: AbortSignal;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTTY: process.stdout.isTTY,
    stderrIsTTY: process.stderr.isTTY,
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Exit codes shared by every command (Ruff's contract). */
export const EXIT = { clean: 0, problems: 1, error: 2 } as const;

/** Raised for bad arguments and configuration: message on stderr, exit 2. */
export class UsageError extends Error {}
