import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KnownSecrets, knownSecrets } from '../../src/logging/known-secrets.js';
import { createLogger } from '../../src/logging/logger.js';

describe('known secrets', () => {
  it('scrubs a secret that contains another whole, longest first', () => {
    const secrets = new KnownSecrets();
    secrets.add('sk-short-secret');
    secrets.add('sk-short-secret-LONGER-TAIL');
    expect(secrets.scrub('key sk-short-secret-LONGER-TAIL and sk-short-secret')).toBe(
      'key [redacted] and [redacted]',
    );
  });

  it('scrubs a secret with quotes or backslashes from JSON log lines, where it appears escaped', () => {
    const secret = `tok"en\\with-escapes-${Date.now()}`;
    knownSecrets.add(secret);
    let lines = '';
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines += String(chunk);
        callback();
      },
    });
    createLogger({ destination: sink }).error(
      { err: new Error(`provider said: bad key ${secret}`) },
      'call failed',
    );
    expect(lines).toContain('[redacted]');
    expect(lines).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(lines).not.toContain('with-escapes');
  });

  it('ignores values too short to scrub without mangling ordinary text', () => {
    const secrets = new KnownSecrets();
    secrets.add('abc');
    expect(secrets.size).toBe(0);
    expect(secrets.scrub('abc')).toBe('abc');
  });
});
