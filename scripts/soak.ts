/**
 * Runs the whole `npm test` N times (`--runs N`, default 10) while a CPU-bound busy loop spins beside
 * it, so timing assumptions that only hold on an idle machine show up as failures. Every run goes to
 * the end; each prints pass/fail and its wall time, and a failing run's output is kept under
 * test-artifacts/soak/. The last line is `<passed> passed, <failed> failed`; the exit code is 1 when
 * any run failed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';

const artifactsDir = join('test-artifacts', 'soak');

function readRuns(): number {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs must be a whole number ≥ 1, got "${values.runs}"`);
    process.exit(2);
  }
  return runs;
}

/** A child process that spins one CPU until it is killed. */
function startBusyLoop(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

interface RunResult {
  passed: boolean;
  seconds: number;
  output: string;
}

function runTests(): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['test'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (code) => {
      resolve({
        passed: code === 0,
        seconds: (Date.now() - started) / 1000,
        output: Buffer.concat(chunks).toString('utf8'),
      });
    });
  });
}

async function main(): Promise<void> {
  const runs = readRuns();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const busy = startBusyLoop();
  const stopBusy = () => busy.kill('SIGKILL');
  process.on('exit', stopBusy);
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));

  let passed = 0;
  let failed = 0;
  for (let run = 1; run <= runs; run += 1) {
    const result = await runTests();
    const label = `run ${run}/${runs}`;
    if (result.passed) {
      passed += 1;
      console.log(`${label}: pass in ${result.seconds.toFixed(1)} s`);
      continue;
    }
    failed += 1;
    await mkdir(artifactsDir, { recursive: true });
    const file = join(artifactsDir, `${stamp}-run-${run}.log`);
    await writeFile(file, result.output);
    const failures = stripVTControlCharacters(result.output)
      .split('\n')
      .filter((line) => /\bFAIL\b/.test(line));
    console.log(`${label}: FAIL in ${result.seconds.toFixed(1)} s — output in ${file}`);
    for (const line of new Set(failures)) console.log(`  ${line.trim()}`);
  }
  stopBusy();
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

await main();
