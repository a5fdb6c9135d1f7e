/**
 * IP anonymisation as Google Analytics did it: an IPv4 address loses its last octet
 * (203.0.113.57 → 203.0.113.0), an IPv6 address its last 80 bits, keeping the first 48
 * (2001:db8:85a3:8d3:1319:8a2e:370:7348 → 2001:db8:85a3::). An IPv4 address inside IPv6
 * (::ffff:203.0.113.57) is treated as IPv4. Text that is not an IP address gives null: it cannot
 * be anonymised, so it is not kept.
 */

/** The four octets of an IPv4 address, or undefined. */
export function parseIpv4(text: string): number[] | undefined {
	const parts = text.split('.');
	if (parts.length !== 4) return undefined;
	const octets: number[] = [];
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part[0] === '0')) return undefined;
		const n = Number(part);
		if (n > 255) return undefined;
		octets.push(n);
	}
	return octets;
}

/** The eight 16-bit groups of an IPv6 address (with an optional trailing IPv4 part), or undefined. */
export function parseIpv6(text: string): number[] | undefined {
	let address = text;
	const zone = address.indexOf('%');
	if (zone >= 0) address = address.slice(0, zone);
	if (!/^[0-9a-fA-F:.]+$/.test(address)) return undefined;
	let tail: number[] = [];
	const lastColon = address.lastIndexOf(':');
	if (address.includes('.')) {
		const v4 = parseIpv4(address.slice(lastColon + 1));
		if (!v4) return undefined;
		tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
		// "::ffff:1.2.3.4" → "::ffff" and "::1.2.3.4" → "::": the groups before the IPv4 part.
		address = address.slice(0, lastColon + 1);
		if (!address.endsWith('::')) address = address.slice(0, -1);
	}
	const halves = address.split('::');
	if (halves.length > 2) return undefined;
	const parse = (part: string) => (part === '' ? [] : part.split(':'));
	const head = parse(halves[0]);
	const rest = halves.length === 2 ? parse(halves[1]) : [];
	const groups: number[] = [];
	for (const g of [...head, ...rest]) {
		if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
	}
	const given = head.length + rest.length + tail.length;
	if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
	for (const g of head) groups.push(parseInt(g, 16));
	for (let i = given; i < 8; i++) groups.push(0);
	for (const g of rest) groups.push(parseInt(g, 16));
	groups.push(...tail);
	return groups;
}

/** RFC 5952 text of eight groups: lower case, the longest run (≥ 2) of zero groups as "::". */
export function formatIpv6(groups: number[]): string {
	let bestStart = -1;
	let bestLength = 0;
	for (let i = 0; i < 8; ) {
		if (groups[i] !== 0) {
			i++;
			continue;
		}
		let j = i;
		while (j < 8 && groups[j] === 0) j++;
		if (j - i > bestLength) {
			bestStart = i;
			bestLength = j - i;
		}
		i = j;
	}
	const hex = groups.map((g) => g.toString(16));
	if (bestLength < 2) return hex.join(':');
	return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The anonymised address, or null when the text is not an IP address. */
export function anonymiseIp(value: unknown): string | null {
	if (typeof value !== 'string') return null;
	let text = value.trim();
	if (text.startsWith('[') && text.includes(']')) text = text.slice(1, text.indexOf(']'));
	const v4 = parseIpv4(text);
	if (v4) return `${v4[0]}.${v4[1]}.${v4[2]}.0`;
	const v6 = parseIpv6(text);
	if (!v6) return null;
	const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
	if (mapped) return `::ffff:${v6[6] >> 8}.${v6[6] & 0xff}.${v6[7] >> 8}.0`;
	return formatIpv6([v6[0], v6[1], v6[2], 0, 0, 0, 0, 0]);
}
