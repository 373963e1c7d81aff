import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];

/**
 * A new empty folder under the system's temp folder (`breakwater-<purpose>-XXXXXX`), removed with
 * everything in it when the test file that made it ends (`remove-temp-dirs.ts`).
 */
export function tempDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `breakwater-${purpose}-`));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}
