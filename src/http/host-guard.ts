import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Names the API always answers to, on any port (a container's published port differs from its own). */
const loopbackNames = ['127.0.0.1', 'localhost', '[::1]'];

export interface HostRule {
  /** `api.allowedHosts`: more names, each optionally with `:port`. */
  allowedHosts: readonly string[];
  /** `api.hostCheck`. @defaultValue 'always' */
  hostCheck?: 'always' | 'without-token';
  /** BREAKWATER_API_TOKEN; without one the Host header is always checked. */
  token: string | undefined;
}

/**
 * Whether a request's Host header names this API. A page on attacker.example whose name is made to
 * resolve to 127.0.0.1 (DNS rebinding) reaches the API as a same-origin page would, but its requests
 * still say `Host: attacker.example`: refusing unknown names is what keeps such a page out.
 */
export function hostAllowed(host: string | undefined, rule: HostRule): boolean {
  if (rule.token !== undefined && rule.hostCheck === 'without-token') return true;
  if (host === undefined) return false;
  const { name, port } = splitHost(host.trim().toLowerCase());
  if (loopbackNames.includes(name)) return true;
  return rule.allowedHosts.some((allowed) => {
    const entry = splitHost(allowed.toLowerCase());
    return entry.name === name && (entry.port === undefined || entry.port === port);
  });
}

/** `name[:port]` or `[v6][:port]`, split. */
function splitHost(host: string): { name: string; port: string | undefined } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
  if (!match) return { name: host, port: undefined };
  return { name: match[1] ?? '', port: match[2] || undefined };
}

/** Refuses, with 421 Misdirected Request, every request whose Host is not this API's. */
export function hostGuard(rule: HostRule): RequestHandler {
  return (request, _response, next) => {
    if (hostAllowed(request.headers.host, rule)) return next();
    throw new HttpError(
      421,
      'misdirected-request',
      'this API does not answer to that Host; use 127.0.0.1, localhost or [::1], or add the name to api.allowedHosts',
    );
  };
}
