import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** host:pid:random — unique per process, readable in records and logs. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
}
