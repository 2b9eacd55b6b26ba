import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach unless allow-listed: loopback, private
 * (RFC 1918, unique-local), link-local (cloud metadata at 169.254.169.254),
 * carrier-grade NAT, "this network", multicast and reserved ranges.
 */
const DENIED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  DENIED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const)
  DENIED.addSubnet(net, prefix, 'ipv6');

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 address it is. */
function deniedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return DENIED.check(mapped[1]!, 'ipv4');
  return DENIED.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

function allowed(host: string, address: string, allow: readonly string[]): boolean {
  for (const a of allow) {
    const entry = a.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === host.toLowerCase() || entry === address) return true;
    const cidr = /^(.+)\/(\d+)$/.exec(entry);
    if (cidr && isIP(cidr[1]!) && isIP(address)) {
      const list = new BlockList();
      const family = isIP(cidr[1]!) === 6 ? 'ipv6' : 'ipv4';
      list.addSubnet(cidr[1]!, Number(cidr[2]), family);
      if (list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')) return true;
    }
  }
  return false;
}

/**
 * Why a webhook URL may not be called, or null. Only http(s); the host's
 * addresses are resolved and every one must be public, unless the host, the
 * address or a CIDR holding it is in `allow` (VIGIL_WEBHOOK_ALLOW, set by the
 * operator). `resolve` is injectable for tests.
 */
export async function webhookTargetProblem(
  url: string,
  allow: readonly string[],
  resolve: (host: string) => Promise<string[]> = async (h) =>
    (await lookup(h, { all: true, verbatim: true })).map((a) => a.address),
): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    return `${u.protocol} URLs are not allowed (http or https only)`;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (e) {
    return `cannot resolve ${host}: ${(e as { code?: string }).code ?? (e as Error).message}`;
  }
  for (const address of addresses)
    if (deniedAddress(address) && !allowed(host, address, allow))
      return `${host} resolves to ${address}, a private, loopback or link-local address; an admin can allow it with VIGIL_WEBHOOK_ALLOW`;
  return null;
}
