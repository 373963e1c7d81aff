import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Addresses a webhook may not reach unless `webhooks.allowPrivateNetworks` is set: this host, private
 * networks, link-local (where cloud metadata services answer, 169.254.169.254 and fd00:ec2::254),
 * carrier-grade NAT (Alibaba's metadata at 100.100.100.200), and addresses that are no single host.
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

/** Whether a webhook may not be sent to this IP address (v4 or v6, as DNS or a URL gives it). */
export function isPrivateAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (isIPv4(bare)) return refused.check(bare, 'ipv4');
  if (!isIPv6(bare)) return true;
  const embedded = embeddedIPv4(bare);
  if (embedded !== undefined) return refused.check(embedded, 'ipv4');
  return refused.check(bare, 'ipv6');
}

/**
 * The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible or NAT64
 * (`64:ff9b::a.b.c.d`) IPv6 address, which reaches that IPv4 host.
 */
function embeddedIPv4(address: string): string | undefined {
  const groups = expand(address.toLowerCase());
  if (groups === undefined) return undefined;
  const head = groups.slice(0, 6);
  const mapped = head.slice(0, 5).every((group) => group === 0) && (head[5] === 0xffff || head[5] === 0);
  const nat64 = head[0] === 0x64 && head[1] === 0xff9b && head.slice(2).every((group) => group === 0);
  if (!mapped && !nat64) return undefined;
  const [high = 0, low = 0] = groups.slice(6);
  if (mapped && head[5] === 0 && high === 0 && low <= 1) return undefined; // :: and ::1 themselves
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** An IPv6 address as its eight 16-bit groups. */
function expand(address: string): number[] | undefined {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split('.').map(Number);
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const head = parse(left);
  const tail = right === undefined ? [] : parse(right);
  const zeros = 8 - head.length - tail.length;
  if (zeros < 0 || (right === undefined && zeros !== 0)) return undefined;
  return [...head, ...new Array<number>(zeros).fill(0), ...tail];
}
