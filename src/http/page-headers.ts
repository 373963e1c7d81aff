import type { RequestHandler } from 'express';

/**
 * What the pages (/docs, the provider panel, Bull Board) may load: their own scripts and styles,
 * Bull Board's web fonts, and connections back to this API (its WebSocket included). No page may
 * frame them, so a writable board cannot be clicked through from another site.
 */
export const pageContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
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
