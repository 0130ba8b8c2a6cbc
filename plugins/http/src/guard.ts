import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Private, loopback, link-local and other non-public ranges (RFC 6890 and friends). */
function privateRanges(): BlockList {
  const b = new BlockList();
  for (const [net, prefix] of [
    ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
    ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
    ['224.0.0.0', 4], ['240.0.0.0', 4],
  ] as const) b.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32]] as const) {
    b.addSubnet(net, prefix, 'ipv6');
  }
  return b;
}

/** Decides on resolved addresses; one per plugin installation. */
export class AddressGuard {
  private readonly blocked = privateRanges();

  isBlocked(address: string): boolean {
    const family = isIP(address);
    if (family === 4) return this.blocked.check(address, 'ipv4');
    if (family !== 6) return true;
    // An IPv4 address wrapped in IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped !== null) return this.blocked.check(mapped[1]!, 'ipv4');
    return this.blocked.check(address, 'ipv6');
  }

  /**
   * A `lookup` for net.connect: resolves, then refuses if any address is private. Checking every
   * address (not only the one used) keeps DNS answers that mix public and private out too.
   */
  readonly lookup = (
    hostname: string,
    options: { family?: number | string; all?: boolean; hints?: number },
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { family: options.family as 0 | 4 | 6 | undefined, hints: options.hints, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '');
        return;
      }
      const bad = addresses.find((a) => this.isBlocked(a.address));
      if (bad !== undefined) {
        const e: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${bad.address}, a private, loopback or link-local address`);
        e.code = 'SY_HTTP_BLOCKED';
        callback(e, '');
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
