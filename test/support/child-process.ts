import { spawn } from 'node:child_process';
import { inject } from 'vitest';

export interface RunningProcess {
  child: ReturnType<typeof spawn>;
  /** The exit code, or the signal's name when a signal ended it. */
  exited: Promise<number | string | null>;
  /** Resolves when every process holding its stdout and stderr (children included) has exited. */
  closed: Promise<void>;
  /** Sends a signal to the process and every process it started (its own process group). */
  signalGroup(signal: NodeJS.Signals): void;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** stdout alone so far: whole lines, whatever stderr wrote meanwhile. */
  stdout(): string;
}

/** Spawns a command in the project root with extra environment, collecting its output. */
export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  input?: string,
): RunningProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdin?.end(input);
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += String(chunk);
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += String(chunk);
  });
  const exited = new Promise<number | string | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // the group is already gone
    }
  };
  return { child, exited, closed, signalGroup, output: () => output, stdout: () => stdout };
}

/**
 * A TypeScript entry point (`workers/worker.ts`) in a process of its own: its bundle, compiled once
 * per run by the global setup (`bundle-entries.ts`), or through tsx as package.json runs it.
 */
export function startEntry(
  entry: string,
  env: Record<string, string>,
  how: 'bundle' | 'tsx' = 'bundle',
): RunningProcess {
  const bundle = how === 'bundle' ? inject('entryBundles')[entry] : undefined;
  return startProcess(process.execPath, bundle ? [bundle] : ['--import', 'tsx', entry], env);
}

/** A started server's `/healthz` status, 0 while nothing answers yet: for `expect.poll`. */
export function healthzStatus(base: string): Promise<number> {
  return fetch(`${base}/healthz`).then(
    (response) => response.status,
    () => 0,
  );
}
