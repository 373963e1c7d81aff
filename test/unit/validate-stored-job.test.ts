import { describe, expect, it } from 'vitest';
import { defaultConfigDocument } from '../../src/config/default-config.js';
import { validateConfig } from '../../src/config/load-config.js';
import { jobSchemaVersion } from '../../src/queue/job-schema-version.js';
import { validateStoredJob } from '../../src/queue/validate-job.js';

const { config } = validateConfig(defaultConfigDocument, 'test', {});

describe('a job as the worker reads it from the queue', () => {
  it('is trusted when stamped with the current schema version: no second full validation', () => {
    // Out of range for the schema: only a job that skipped validation would come back ok with it.
    const stamped = { prompt: 'x', temperature: 3, onAllOpen: 'defer', schemaVersion: jobSchemaVersion };
    const validation = validateStoredJob(stamped, config);
    expect(validation.kind).toBe('ok');
    if (validation.kind === 'ok') {
      expect(validation.data).not.toHaveProperty('schemaVersion');
      expect(validation.chain.map((entry) => entry.provider)).toEqual([
        'sim-openai',
        'sim-anthropic',
        'sim-google',
      ]);
    }
  });

  it('is validated in full without the stamp (plain BullMQ, an older producer, an edit in Redis)', () => {
    expect(validateStoredJob({ prompt: 'x', temperature: 3 }, config)).toMatchObject({
      kind: 'invalid',
      problems: [{ path: 'temperature' }],
    });
    expect(validateStoredJob({ prompt: 'x', schemaVersion: jobSchemaVersion + 1 }, config).kind).toBe('ok');
    expect(validateStoredJob('not an object', config).kind).toBe('invalid');
  });

  it("still has its chain checked against this process's config, stamped or not", () => {
    const stamped = { prompt: 'x', route: 'gone', onAllOpen: 'defer', schemaVersion: jobSchemaVersion };
    expect(validateStoredJob(stamped, config)).toMatchObject({
      kind: 'invalid',
      problems: [{ path: 'route' }],
    });
  });
});
