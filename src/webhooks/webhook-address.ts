import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { isPrivateAddress } from './private-address.js';

/** Resolves a host name to every address it has (`dns.lookup` with `all`), as the HTTP client would. */
export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const resolveHost: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Where a webhook URL's host leads. */
export type AddressCheck =
  | { kind: 'allowed'; addresses: { address: string; family: number }[] }
  | { kind: 'refused'; reason: string };

export interface AddressPolicy {
  /** `webhooks.allowPrivateNetworks`. */
  allowPrivateNetworks: boolean;
  resolve?: ResolveHost;
}

/**
 * Resolves a webhook URL's host and refuses it when any of its addresses is loopback, private,
 * link-local or metadata (unless the policy allows private networks). A name that does not resolve
 * is refused too. The same check runs on submission and before every attempt, and the attempt
 * connects only to the addresses it checked (`guardedLookup`), so DNS rebinding gains nothing.
 */
export async function checkHost(hostname: string, policy: AddressPolicy): Promise<AddressCheck> {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  let addresses: { address: string; family: number }[];
  if (isIP(bare) !== 0) addresses = [{ address: bare, family: isIP(bare) }];
  else {
    try {
      addresses = await (policy.resolve ?? resolveHost)(bare);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return { kind: 'refused', reason: `host ${bare} does not resolve (${String(code ?? error)})` };
    }
  }
  if (addresses.length === 0) return { kind: 'refused', reason: `host ${bare} has no address` };
  if (!policy.allowPrivateNetworks) {
    const blocked = addresses.find((entry) => isPrivateAddress(entry.address));
    if (blocked) {
      return {
        kind: 'refused',
        reason: `${bare === blocked.address ? blocked.address : `${bare} resolves to ${blocked.address}`}, a loopback, private, link-local or metadata address; webhooks.allowPrivateNetworks: true allows it`,
      };
    }
  }
  return { kind: 'allowed', addresses };
}

/** A `lookup` for `http.request` that hands the socket only the addresses already checked. */
export function guardedLookup(addresses: readonly { address: string; family: number }[]): LookupFunction {
  return (_hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = addresses.filter((entry) => wanted === undefined || entry.family === wanted);
    const first = usable[0];
    if (!first) {
      callback(
        Object.assign(new Error('no checked address of the wanted family'), { code: 'ENOTFOUND' }),
        '',
      );
      return;
    }
    if (options.all)
      callback(
        null,
        usable.map((entry) => ({ ...entry })),
      );
    else callback(null, first.address, first.family);
  };
}
