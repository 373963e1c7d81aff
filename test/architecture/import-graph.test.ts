import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  folderCycles,
  folderGraph,
  folderOf,
  type ImportEdge,
  importEdges,
  importsOf,
} from '../support/import-graph.js';

const src = fileURLToPath(new URL('../../src', import.meta.url));
const edges = importEdges(src);
const graph = folderGraph(edges);

/** The imports that cross from one folder into another, as `from.ts → to.ts`. */
function crossing(from: string, to: (folder: string) => boolean): string[] {
  return edges
    .filter(
      (edge: ImportEdge) =>
        folderOf(edge.from) === from && folderOf(edge.to) !== from && to(folderOf(edge.to)),
    )
    .map((edge) => `${edge.from} → ${edge.to}`);
}

describe('the import graph of src/', () => {
  it('reads every kind of relative import, type-only and dynamic ones included', () => {
    const text = [
      "import { a } from './a.js';",
      "import type { B } from '../b/b.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "import './side-effect.js';",
      "const e = await import('./e.js');",
      "import { z } from 'zod';",
      'import {\n  f,\n  type G,\n} from "../f.js";',
    ].join('\n');
    expect(importsOf(text)).toEqual([
      './a.js',
      '../b/b.js',
      './c.js',
      './d.js',
      './side-effect.js',
      './e.js',
      '../f.js',
    ]);
  });

  it('finds a cycle between folders, and none in a chain', () => {
    const chain = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set<string>()],
    ]);
    expect(folderCycles(chain)).toEqual([]);
    chain.get('c')?.add('a');
    expect(folderCycles(chain)).toEqual([['a', 'b', 'c']]);
  });

  it('production providers never load the simulator', () => {
    expect(graph.get('providers')?.size).toBeGreaterThan(0);
    expect(crossing('providers', (folder) => folder === 'simulator')).toEqual([]);
  });

  it('the config does not depend on the providers it configures', () => {
    expect(crossing('config', (folder) => folder === 'providers')).toEqual([]);
  });

  it('the client and the CLI see the server only through the contract', () => {
    expect(graph.has('contract')).toBe(true);
    expect(crossing('client', (folder) => folder !== 'contract')).toEqual([]);
    expect(crossing('cli', (folder) => folder !== 'contract' && folder !== 'client')).toEqual([]);
  });

  it('has no cycles between folders', () => {
    const cycles = folderCycles(graph);
    if (cycles.length > 0) {
      console.info(`folder cycles in src/: ${cycles.map((cycle) => `{${cycle.join(', ')}}`).join(' ')}`);
    }
    expect(cycles).toEqual([]);
  });
});
