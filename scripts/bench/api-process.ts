import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BreakwaterConfig } from '../../src/config/schema.js';
import { freePort } from '../../test/support/redis-server.js';

export interface ServerProcess {
  url: string;
  close(): Promise<void>;
}

/** `workers/api.ts` as a child process on a free port, with this config; resolves once it answers. */
export function startApiProcess(config: BreakwaterConfig, redisUrl: string): Promise<ServerProcess> {
  const file = join(mkdtempSync(join(tmpdir(), 'breakwater-bench-')), 'breakwater.json');
  writeFileSync(
    file,
    JSON.stringify({ providers: config.providers, routes: config.routes, queue: config.queue }),
  );
  return startServerProcess('workers/api.ts', {
    REDIS_URL: redisUrl,
    BREAKWATER_CONFIG: file,
    LOG_LEVEL: 'warn',
  });
}

/** A TypeScript server script as a child process on a free port (`PORT`); resolves once /readyz answers. */
export async function startServerProcess(
  script: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 200; attempt++) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
