/**
 * `npm test`: the type check, Biome and the whole suite, side by side, with the tests whose outcome
 * rests on the machine's timing first in line for the CPU.
 *
 * Four processes start together. The `exclusive` project (`vitest.config.ts`: kill -9 windows, a
 * close "within 1 s", the pacing to a rate limit…, one file at a time) runs at normal priority. The
 * type check, Biome and the `unit` and `integration` projects run at a low priority (nice 10):
 * they take the CPU the timing tests leave, and the timing tests still find a core when they ask for
 * one. Those files assert outcomes and counts with generous bounds, so waiting on the CPU costs them
 * time, not their outcome.
 *
 * Every part runs to its end, so one run shows every failure; each child's output passes through a
 * whole line at a time. The last lines say each part's outcome and time; the exit code is 1 when any
 * part failed. One file alone: `npx vitest run test/…`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

interface Part {
  name: string;
  command: string;
  args: string[];
  /** Yields the CPU to the normal-priority part. */
  background: boolean;
}

const bin = (name: string): string => join('node_modules', '.bin', name);

const parts: Part[] = [
  {
    name: 'vitest (exclusive)',
    command: bin('vitest'),
    args: ['run', '--project', 'exclusive'],
    background: false,
  },
  { name: 'typecheck', command: bin('tsc'), args: ['--noEmit'], background: true },
  { name: 'lint', command: bin('biome'), args: ['check', '.'], background: true },
  {
    name: 'vitest (unit, integration)',
    command: bin('vitest'),
    args: ['run', '--project', 'unit', '--project', 'integration'],
    background: true,
  },
];

/**
 * Of 0 (normal) to 19 (lowest). At 10, a background part gets about a tenth of a core that a
 * normal-priority process wants. At 19 it waited seconds for the CPU beside the soak's busy loop, so
 * long that a few requests meant to land within a second did not.
 */
const backgroundNice = 10;

/**
 * The parts still running, each the leader of a process group of its own (POSIX): a stop asked of
 * this process is passed on to each whole group, so the workers and servers the tests started stop
 * too, not only vitest.
 */
const running = new Set<ChildProcess>();
const ownGroups = process.platform !== 'win32';
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    for (const child of running) {
      try {
        if (ownGroups && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // Gone already.
      }
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

interface Outcome {
  name: string;
  code: number;
  seconds: number;
}

async function run(part: Part): Promise<Outcome> {
  const started = Date.now();
  // `nice` before the command, so every thread and process it starts inherits the priority.
  const [command, args] =
    part.background && process.platform !== 'win32'
      ? ['nice', ['-n', String(backgroundNice), part.command, ...part.args]]
      : [part.command, part.args];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: ownGroups });
  running.add(child);
  for (const [stream, sink] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
      sink.write(`${line}\n`),
    );
  }
  const code = await new Promise<number>((resolve) => {
    child.on('error', (error) => {
      console.error(`${part.name}: could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  running.delete(child);
  return { name: part.name, code, seconds: (Date.now() - started) / 1000 };
}

if (process.argv.length > 2) {
  console.error('npm test takes no arguments. To run some files: npx vitest run test/<file>.test.ts');
  process.exit(2);
}

const outcomes = await Promise.all(parts.map(run));
console.log('');
for (const { name, code, seconds } of outcomes) {
  console.log(`${code === 0 ? 'passed' : `FAILED (exit ${code})`}  ${name}  ${seconds.toFixed(1)} s`);
}
process.exitCode = outcomes.some(({ code }) => code !== 0) ? 1 : 0;
