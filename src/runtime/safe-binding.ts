import { UnsafeBindingError } from './unsafe-binding-error.js';

export interface BindingSettings {
  host: string;
  token: string | undefined;
  /** BREAKWATER_ALLOW_UNAUTHENTICATED: an open API on the network, on purpose. */
  allowUnauthenticated: boolean;
}

/** Safe by default: an API without a token listens on loopback only. Throws UnsafeBindingError. */
export function assertSafeBinding(settings: BindingSettings): void {
  if (settings.token !== undefined || settings.allowUnauthenticated) return;
  if (!isLoopbackHost(settings.host)) throw new UnsafeBindingError(settings.host);
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(bare) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(bare)
  );
}
