/**
 * Runs the provider simulator on its own, for several processes to share:
 *   npm run simulator -- --port 4010
 * Point `simulated` providers at it with `baseURL: http://127.0.0.1:4010`, and drive faults with
 *   curl -X PUT localhost:4010/_control/providers/sim-openai -d '{"mode":{"kind":"down","status":503}}'
 */
import { parseArgs } from 'node:util';
import { ProviderSimulator } from '../src/simulator/simulator.js';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4010' }, host: { type: 'string', default: '127.0.0.1' } },
});
const simulator = new ProviderSimulator();
const url = await simulator.start(Number(values.port), values.host);
process.stdout.write(`provider simulator listening on ${url}\n`);
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // `on`, not `once`: npm forwards the signal a process group got, so a second copy may follow.
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    simulator.close().then(() => process.exit(0));
  });
}
