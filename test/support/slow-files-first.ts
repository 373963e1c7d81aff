/**
 * Vitest sequencer: within each group, the files named here start first, in the order given, and the
 * rest follow in vitest's own order. Workers take files in turn, so a long file started last would
 * run on alone after the others finish; started first, it runs beside them. A fresh clone (CI) has
 * no timings cached from an earlier run, so the order has to be stated rather than learned.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export function slowFilesFirst(slowest: readonly string[]): typeof BaseSequencer {
  return class SlowFilesFirst extends BaseSequencer {
    override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(files);
      const rank = (file: TestSpecification) => {
        const index = slowest.indexOf(relative(this.ctx.config.root, file.moduleId));
        return index === -1 ? slowest.length : index;
      };
      const groupOf = (file: TestSpecification) => file.project.config.sequence.groupOrder;
      return sorted
        .map((file, position) => ({ file, position }))
        .sort(
          (a, b) =>
            groupOf(a.file) - groupOf(b.file) || rank(a.file) - rank(b.file) || a.position - b.position,
        )
        .map(({ file }) => file);
    }
  };
}
