/** The CLI's view of its surroundings, injectable so tests run it in-process. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  };
}

/** Exit codes shared by every command (Ruff's contract). */
export const EXIT = { clean: 0, problems: 1, error: 2 } as const;

/** Raised for bad arguments and configuration: message on stderr, exit 2. */
export class UsageError extends Error {}
