import { type DestinationStream, type Logger, pino } from 'pino';
import { knownSecrets } from './known-secrets.js';

export type { Logger };

/** Paths that may carry secrets; pino replaces them wherever they appear. */
export const redactPaths = [
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["x-goog-api-key"]',
  'token',
  '*.token',
  'password',
  '*.password',
  'headers.cookie',
  '*.headers.cookie',
  'headers["proxy-authorization"]',
  '*.headers["proxy-authorization"]',
  'requestBodyValues',
  '*.requestBodyValues',
  'responseHeaders',
  '*.responseHeaders',
  'config.headers',
  '*.config.headers',
];

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

/**
 * JSON logs with secrets redacted: by path (above), and every line is scrubbed of the values in
 * `knownSecrets` (provider keys, the API token) wherever they appear, e.g. echoed in an error
 * message. `LOG_LEVEL` sets the level (default info).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'breakwater' },
    redact: { paths: redactPaths, censor: '[redacted]' },
    hooks: { streamWrite: (line: string) => (knownSecrets.size === 0 ? line : knownSecrets.scrub(line)) },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
