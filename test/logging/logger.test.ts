import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';

function sink() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, stream };
}

describe('logger', () => {
  it('writes JSON with the job id and provider on a job line, secrets redacted', () => {
    const { lines, stream } = sink();
    const logger = createLogger({ destination: stream }).child({ jobId: '42' });
    logger.warn(
      { provider: 'openai', headers: { authorization: 'Bearer sk-live-secret' } },
      'provider call failed',
    );
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ jobId: '42', provider: 'openai', msg: 'provider call failed' });
    expect(lines[0]).not.toContain('sk-live-secret');
  });

  it('writes readable lines when pretty, with the same fields and the same redaction', () => {
    const { lines, stream } = sink();
    const logger = createLogger({ destination: stream, pretty: true }).child({ jobId: '42' });
    logger.warn({ provider: 'openai', apiKey: 'sk-live-secret' }, 'provider call failed');
    const text = lines.join('\n');
    expect(text.startsWith('{')).toBe(false);
    expect(text).toMatch(/WARN.*provider call failed/);
    expect(text).toMatch(/jobId: "42"/);
    expect(text).toMatch(/provider: "openai"/);
    expect(text).not.toContain('sk-live-secret');
  });
});
