import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';
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
  /** Human-readable lines instead of JSON. @defaultValue LOG_FORMAT=pretty, else whether stdout is a terminal (JSON to a given destination) */
  pretty?: boolean;
}

/**
 * Logs with secrets redacted: by path (above), and every line is scrubbed of the values in
 * `knownSecrets` (provider keys, the API token) wherever they appear, e.g. echoed in an error
 * message. JSON for machines, readable lines when run in a terminal (`LOG_FORMAT=json|pretty`
 * decides instead). `LOG_LEVEL` sets the level (default info).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'breakwater' },
    redact: { paths: redactPaths, censor: '[redacted]' },
    hooks: { streamWrite: (line: string) => (knownSecrets.size === 0 ? line : knownSecrets.scrub(line)) },
  };
  const format = process.env.LOG_FORMAT;
  // A caller's own destination gets JSON unless it asks otherwise (tests parse it).
  const readable =
    options.pretty ??
    (options.destination === undefined &&
      (format === 'pretty' || (format !== 'json' && process.stdout.isTTY === true)));
  if (readable) {
    const stream = pretty({
      sync: true,
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service',
      ...(options.destination ? { destination: options.destination } : {}),
    });
    return pino(settings, stream);
  }
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
