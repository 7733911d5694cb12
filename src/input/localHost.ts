/*
 * Whether a URL's host is this machine, from Salesforce's side: a Named Credential or token URL there would have
 * Salesforce call its own servers. The WHATWG URL parser has already folded case and full-width letters, decoded
 * percent escapes, and rewritten every IPv4 spelling (127.1, 0x7f.0.0.1, 2130706433) as a dotted quad and every IPv6
 * address in compressed hex (::ffff:127.0.0.1 becomes ::ffff:7f00:1); what it leaves distinct is checked here.
 */

/**
 * Names that resolve to loopback: localhost and every name below it (RFC 6761 section 6.3), and the aliases
 * /etc/hosts carries on common Linux distributions.
 */
const LOCAL_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** 127.0.0.0/8 is loopback and 0.0.0.0/8 "this network" (RFC 1122 3.2.1.3); connecting to 0.0.0.0 reaches this host. */
const localIpv4 = (firstOctet: number): boolean => firstOctet === 127 || firstOctet === 0;

/** The eight 16-bit groups of an IPv6 address (the text between the brackets); undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  const parts = address.split('::');
  if (parts.length > 2) return undefined;
  const groupsOf = (text: string): string[] => {
    if (text === '') return [];
    const groups = text.split(':');
    const last = groups[groups.length - 1];
    // A dotted IPv4 tail (the parser never writes one, but nothing else should depend on that) is two groups.
    if (last.includes('.')) {
      const octets = last.split('.').map(Number);
      groups.splice(-1, 1, ((octets[0] << 8) | octets[1]).toString(16), ((octets[2] << 8) | octets[3]).toString(16));
    }
    return groups;
  };
  const head = groupsOf(parts[0]);
  const tail = parts.length === 2 ? groupsOf(parts[1]) : [];
  const groups = parts.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail] : head;
  const numbers = groups.map((group) => parseInt(group, 16));
  return numbers.length === 8 && numbers.every((n) => Number.isInteger(n) && n >= 0 && n <= 0xffff) ? numbers : undefined;
}

/**
 * ::1 and :: (RFC 4291 2.5.2, 2.5.3), and a local IPv4 address carried in IPv6: IPv4-mapped (::ffff:0:0/96, RFC 4291
 * 2.5.5.2), which a dual-stack socket connects to as IPv4, and the deprecated IPv4-compatible form (::/96).
 */
function localIpv6(address: string): boolean {
  const groups = ipv6Groups(address);
  if (!groups) return false;
  const prefixZero = groups.slice(0, 5).every((group) => group === 0);
  if (!prefixZero || (groups[5] !== 0 && groups[5] !== 0xffff)) return false;
  return localIpv4(groups[6] >> 8);
}

/** `hostname` as URL.hostname gives it: lower case, IPv6 in brackets. */
export function isLocalHost(hostname: string): boolean {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return localIpv6(hostname.slice(1, -1));
  const ipv4 = /^(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(hostname);
  if (ipv4) return localIpv4(Number(ipv4[1]));
  // A trailing dot makes a name absolute (localhost. is localhost); the parser keeps it.
  const name = hostname.replace(/\.+$/, '');
  return LOCAL_NAMES.has(name) || name.endsWith('.localhost');
}
