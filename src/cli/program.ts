import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError } from 'commander';
import { BreakwaterApiError } from '../client/breakwater-api-error.js';
import { BreakwaterClient } from '../client/breakwater-client.js';
import type { BreakerEvent, FlowInput } from '../contract/index.js';
import { maxBulkJobs } from '../contract/index.js';
import { batchesTable } from './batches-table.js';
import { type CliOutput, enqueueCommand } from './enqueue-command.js';
import { followJob } from './follow-job.js';
import { breakerLine, providersTable } from './providers-table.js';

export interface CliContext extends CliOutput {
  env: NodeJS.ProcessEnv;
  readStdin(): Promise<string>;
  exit(code: number): void;
}

const wholeNumber = (max: number) => (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
  }
  return number;
};

/** The `breakwater` command line: talks to the API at BREAKWATER_URL with BREAKWATER_API_TOKEN. */
export function buildProgram(context: CliContext): Command {
  const client = () =>
    new BreakwaterClient({
      url: context.env.BREAKWATER_URL || 'http://127.0.0.1:3000',
      token: context.env.BREAKWATER_API_TOKEN || undefined,
    });
  const program = new Command('breakwater')
    .description(
      'Submit and inspect Breakwater AI jobs (API at $BREAKWATER_URL, token $BREAKWATER_API_TOKEN)',
    )
    .showHelpAfterError();

  program
    .command('enqueue')
    .description('enqueue one job per JSONL line (a file, or - for stdin); bad lines are reported by number')
    .argument('<file>', 'a .jsonl file, or - to read stdin')
    .option('--wait', 'wait for every job and print each result as it finishes', false)
    .option('--batch-size <n>', `jobs per bulk request (max ${maxBulkJobs})`, wholeNumber(maxBulkJobs), 500)
    .option(
      '--poll <ms>',
      'time between status checks while waiting, where the event stream is unavailable',
      wholeNumber(60_000),
      500,
    )
    .option('--rejects <file>', 'write bad lines here, verbatim, to fix and resubmit')
    .option(
      '--batch',
      "send each job's first route entry through its provider's batch API, at half price",
      false,
    )
    .action(
      async (
        file: string,
        options: { wait: boolean; batchSize: number; poll: number; rejects?: string; batch: boolean },
      ) => {
        const text = file === '-' ? await context.readStdin() : await readFile(file, 'utf8');
        const rejects = options.rejects;
        const code = await enqueueCommand(
          client(),
          text,
          {
            wait: options.wait,
            batchSize: options.batchSize,
            pollMs: options.poll,
            batch: options.batch,
            writeRejects: rejects
              ? (lines) => writeFile(rejects, lines.map((line) => `${line.text}\n`).join(''))
              : undefined,
          },
          context,
        );
        context.exit(code);
      },
    );

  program
    .command('flow')
    .description('submit a flow (a JSON file of { name?, root: <step> }, or - for stdin) and print its id')
    .argument('<file>', 'a .json file, or - to read stdin')
    .option('--wait', 'wait for the flow to end, then print its tree; exit 1 if it failed', false)
    .option(
      '--poll <ms>',
      'time between status checks while waiting, where the event stream is unavailable',
      wholeNumber(60_000),
      500,
    )
    .action(async (file: string, options: { wait: boolean; poll: number }) => {
      const text = file === '-' ? await context.readStdin() : await readFile(file, 'utf8');
      let flow: FlowInput;
      try {
        flow = JSON.parse(text) as FlowInput;
      } catch (error) {
        throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const api = client();
      const accepted = await api.submitFlow(flow);
      if (!options.wait) {
        context.stdout.write(`${JSON.stringify(accepted, null, 2)}\n`);
        return;
      }
      const ended = await api.wait(accepted.id, { intervalMs: options.poll });
      context.stdout.write(`${JSON.stringify(await api.flow(accepted.id), null, 2)}\n`);
      context.exit(ended.state === 'completed' ? 0 : 1);
    });

  program
    .command('status')
    .description("print a job's state, result or error as JSON")
    .argument('<id>', 'the job id')
    .option(
      '--follow',
      "then print its events live (a streamed job's text as it is generated) until it ends",
      false,
    )
    .action(async (id: string, options: { follow: boolean }) => {
      if (options.follow) {
        context.exit(await followJob(client(), id, context));
        return;
      }
      context.stdout.write(`${JSON.stringify(await client().get(id), null, 2)}\n`);
    });

  program
    .command('batches')
    .description('list provider batches, newest first: status, counts, cost and savings')
    .option('--json', 'print JSON instead of a table', false)
    .option('--limit <n>', 'how many', wholeNumber(1_000), 100)
    .action(async (options: { json: boolean; limit: number }) => {
      const batches = await client().batches({ limit: options.limit });
      context.stdout.write(options.json ? `${JSON.stringify(batches, null, 2)}\n` : batchesTable(batches));
    });

  program
    .command('providers')
    .description("show each provider's breaker state")
    .option('--json', 'print JSON instead of a table', false)
    .option(
      '--watch',
      'then print each breaker change as it happens, from every process, until stopped',
      false,
    )
    .action(async (options: { json: boolean; watch: boolean }) => {
      const api = client();
      const line = (event: BreakerEvent) =>
        context.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${breakerLine(event)}\n`);
      // Subscribed before the table is read, so no change falls between the two; changes that come
      // while it is read are printed after it.
      let early: BreakerEvent[] | undefined = [];
      const subscription = options.watch
        ? await api.events((event) => {
            if (event.type !== 'breaker') return;
            if (early) early.push(event);
            else line(event);
          })
        : undefined;
      try {
        const providers = await api.providers();
        context.stdout.write(
          options.json ? `${JSON.stringify(providers, null, 2)}\n` : providersTable(providers),
        );
        for (const event of early) line(event);
        early = undefined;
        if (!subscription) return;
        await subscription.closed;
        throw new Error('the event stream closed: the API stopped or the connection was lost');
      } finally {
        subscription?.close();
      }
    });

  return program;
}

/** Runs the CLI; API and file errors become one readable message and exit code 1. */
export async function runCli(argv: string[], context: CliContext): Promise<void> {
  try {
    await buildProgram(context).parseAsync(argv);
  } catch (error) {
    // On a terminal, a progress bar may still be drawn on the last line: the error replaces it.
    context.stderr.write(`${context.stderr.isTTY ? '\r\x1b[K' : ''}breakwater: ${describeError(error)}\n`);
    context.exit(1);
  }
}

function describeError(error: unknown): string {
  if (BreakwaterApiError.is(error)) {
    const fields = error.fields.map((field) => `\n  ${field.path}: ${field.message}`).join('');
    return `${error.message}${fields}`;
  }
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return `no such file: ${(error as { path?: string }).path}`;
  return error instanceof Error ? error.message : String(error);
}
