#!/usr/bin/env node
// `npm ci`/`npm install` run this (package.json "prepare"): builds dist/ — what `breakwater/client`
// and `breakwater/producer` import — when it is missing or older than src/. npm also runs `prepare`
// each time `npx breakwater` links this package into its cache, so an up-to-date dist/ is not rebuilt.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The newest modification time of any file under a directory (0 when it does not exist). */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile())
      latest = Math.max(latest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return latest;
}

const built = join(root, 'dist', 'client', 'index.js');
const inputs = Math.max(newest(join(root, 'src')), statSync(join(root, 'tsconfig.json')).mtimeMs);
if (existsSync(built) && statSync(built).mtimeMs >= inputs) process.exit(0);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
