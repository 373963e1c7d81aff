/**
 * Vitest global setup: compiles each process entry point the tests start (a worker, the API, `npm
 * start`, the demo) once per run, with esbuild, into one JavaScript file holding it and the packages
 * it imports. A started process then loads one file instead of some 200 TypeScript modules through
 * tsx's loader and hundreds of package files: a worker's start costs about 0.45 s of CPU instead of
 * 0.9 s with the packages left as imports, or 2.9 s through tsx, and the suite starts about 45.
 *
 * The bundles hold the same source, compiled by the same compiler tsx uses. They sit two folders
 * below the project root (`test/.entries/`), as `workers/` does, so a module that finds a file
 * relative to itself (the package manifest, a package's own assets through `require.resolve`) finds
 * the same one. The tests of `npm start` and `npm run worker` themselves start them through npm and
 * tsx, as a user does.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Entry point (`workers/worker.ts`) → the absolute path of its bundle. */
    entryBundles: Record<string, string>;
  }
}

/** The entry points tests start with `startEntry`, relative to the project root. */
const bundledEntries = ['workers/worker.ts', 'workers/api.ts', 'workers/start.ts', 'scripts/demo.ts'];

/**
 * The run's bundles, built once and shared by the projects that start processes: each project loads
 * this file as a module of its own, so the one copy lives on `globalThis`, and the last project's
 * teardown removes the files.
 */
interface SharedBundles {
  bundles: Promise<Record<string, string>>;
  projects: number;
}
const sharedKey = Symbol.for('breakwater.test.entryBundles');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const store = globalThis as typeof globalThis & { [sharedKey]?: SharedBundles };
  const shared = store[sharedKey] ?? { bundles: buildBundles(project.config.root), projects: 0 };
  store[sharedKey] = shared;
  shared.projects += 1;
  project.provide('entryBundles', await shared.bundles);
  return async () => {
    shared.projects -= 1;
    if (shared.projects > 0) return;
    for (const outfile of Object.values(await shared.bundles)) rmSync(outfile, { force: true });
    delete store[sharedKey];
  };
}

async function buildBundles(root: string): Promise<Record<string, string>> {
  const folder = join(root, 'test', '.entries');
  mkdirSync(folder, { recursive: true });
  const bundles: Record<string, string> = {};
  await Promise.all(
    bundledEntries.map(async (entry) => {
      // One name per run: two runs side by side never load each other's bundles.
      const outfile = join(folder, `${basename(entry, '.ts')}.${process.pid}.mjs`);
      await build({
        entryPoints: [join(root, entry)],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'error',
        // The CommonJS packages inside an ES module bundle still `require` Node's own modules.
        banner: {
          js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
        },
      });
      bundles[entry] = outfile;
    }),
  );
  return bundles;
}
