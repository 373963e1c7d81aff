import type { BreakwaterClient } from '../client/breakwater-client.js';
import type { BreakwaterEvent, JobView } from '../contract/index.js';
import { finalJobEvents } from '../contract/index.js';
import type { CliOutput } from './enqueue-command.js';

/** One event as `status --follow` prints it: streamed text as is, everything else on a line of its own. */
export function followLine(event: BreakwaterEvent): string | undefined {
  if (event.type !== 'job') return undefined;
  switch (event.event) {
    case 'delta':
      return event.text;
    case 'restart':
      return `\n[restart: ${event.reason}; the text of ${event.voided.provider}/${event.voided.model} is void${
        event.provider === undefined ? '' : `; now ${event.provider}/${event.model ?? ''}`
      }]\n`;
    case 'deferred':
    case 'delayed':
      return `\n[${event.event}${event.until === undefined ? '' : ` until ${event.until}`}${
        event.reason === undefined ? '' : `: ${event.reason}`
      }]\n`;
    case 'active':
    case 'stalled':
      return `\n[${event.event}]\n`;
    default:
      return undefined;
  }
}

/**
 * `breakwater status <id> --follow`: the job's state, then its events live (a streamed job's text as
 * it is generated), then the finished job as JSON. Exit code 0 when completed, 1 otherwise.
 */
export async function followJob(client: BreakwaterClient, id: string, output: CliOutput): Promise<number> {
  let ended: () => void = () => undefined;
  const end = new Promise<void>((resolve) => {
    ended = resolve;
  });
  // Subscribed before the job is read, so nothing happens unseen in between.
  const subscription = await client.events(
    (event) => {
      const line = followLine(event);
      if (line !== undefined) output.stdout.write(line);
      if (event.type === 'job' && finalJobEvents.has(event.event)) ended();
    },
    { jobId: id },
  );
  try {
    const job: JobView = await client.get(id);
    if (job.state !== 'completed' && job.state !== 'failed') {
      output.stdout.write(`[${job.state}]\n`);
      await Promise.race([
        end,
        subscription.closed.then(() => {
          throw new Error('the event stream closed: the API stopped or the connection was lost');
        }),
      ]);
    }
    const final = await client.get(id);
    output.stdout.write(`\n${JSON.stringify(final, null, 2)}\n`);
    return final.state === 'completed' ? 0 : 1;
  } finally {
    subscription.close();
  }
}
