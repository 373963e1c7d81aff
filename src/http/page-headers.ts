import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { docsPage } from './docs-page.js';
import { panelPage } from './panel/panel-page.js';

/** The CSP hash of each inline script of a page, so those scripts and no others run. */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body = '']) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
  );
}

/**
 * What the pages (/docs, the provider panel, Bull Board) may load: their own scripts (the inline
 * ones by hash), styles, Bull Board's web fonts, and connections back to this API (its WebSocket
 * included). No page may frame them, so a writable board cannot be clicked through from another
 * site.
 */
export const pageContentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' ${[...inlineScriptHashes(docsPage), ...inlineScriptHashes(panelPage)].join(' ')}`,
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' https://fonts.gstatic.com data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** Sets the pages' Content-Security-Policy, X-Frame-Options and nosniff on every response. */
export const pageHeaders: RequestHandler = (_request, response, next) => {
  response.setHeader('content-security-policy', pageContentSecurityPolicy);
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('x-content-type-options', 'nosniff');
  next();
};
