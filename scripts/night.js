'use strict';
/**
 * The unit and node tests once more with the machine's clock at 02:00 in Berlin and the machine in
 * another time zone (Debian's faketime), so a test whose outcome depends on the hour or on the
 * machine's zone fails by day too. Part of `npm test`.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const { ensureCommand } = require('./system');

const ROOT = path.resolve(__dirname, '..');
// Far from Berlin and from UTC, with a 45-minute offset: a test that reads the machine's zone shows.
const MACHINE_ZONE = 'Pacific/Chatham';
const NIGHT_IN = 'Europe/Berlin';

/** Today's 02:00 in Berlin as the machine's local wall time (faketime reads its start in local time). */
function nightStart(today = new Date()) {
	const parts = (zone, at) =>
		Object.fromEntries(
			new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
				.formatToParts(at)
				.map((p) => [p.type, p.value]),
		);
	const day = parts(NIGHT_IN, today);
	// 02:00 Berlin is 01:00 or 00:00 UTC; find the instant whose Berlin wall time is 02:00.
	let instant = Date.UTC(+day.year, +day.month - 1, +day.day, 2);
	for (let i = 0; i < 3; i++) {
		const seen = parts(NIGHT_IN, new Date(instant));
		instant -= (Date.UTC(+seen.year, +seen.month - 1, +seen.day, +seen.hour, +seen.minute) - Date.UTC(+day.year, +day.month - 1, +day.day, 2));
	}
	const local = parts(MACHINE_ZONE, new Date(instant));
	return { instant, local: `${local.year}-${local.month}-${local.day} ${local.hour}:${local.minute}:${local.second}` };
}

function main() {
	const faketime = ensureCommand('faketime', 'faketime', 'the night-time run of the tests sets the clock with it');
	const { instant, local } = nightStart();
	console.log(`[campaign-kit] unit and node tests at ${new Date(instant).toISOString()} (02:00 in Berlin), machine zone ${MACHINE_ZONE}`);
	execFileSync(faketime, ['-f', `@${local}`, 'npx', 'jest', '--selectProjects', 'unit', 'node'], {
		cwd: ROOT,
		stdio: 'inherit',
		// The monotonic clock stays real: timers and timeouts keep their length.
		env: { ...process.env, TZ: MACHINE_ZONE, FAKETIME_DONT_FAKE_MONOTONIC: '1' },
	});
}

if (require.main === module) {
	try {
		main();
	} catch (error) {
		console.error(error.stderr ? String(error.message) : error.message);
		process.exit(1);
	}
}

module.exports = { nightStart };
