import { type DestinationStream, type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

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
];

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON. @defaultValue LOG_FORMAT=pretty, else whether stdout is a terminal (JSON to a given destination) */
  pretty?: boolean;
}

/**
 * Logs with secrets redacted: JSON for machines, or readable lines when run in a terminal
 * (`LOG_FORMAT=json|pretty` decides instead). `LOG_LEVEL` sets the level (default info).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    base: { service: 'breakwater' },
    redact: { paths: redactPaths, censor: '[redacted]' },
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
