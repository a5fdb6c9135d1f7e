'use strict';
/**
 * Programs the tests need from the operating system (where the npm registry has none): found on
 * the machine, or installed with Debian's apt-get when running as root; otherwise one clear message
 * naming what is missing and how to get it.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const log = (...args) => console.log('[campaign-kit]', ...args);

function onPath(command) {
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		const file = path.join(dir, command);
		if (dir && fs.existsSync(file)) return file;
	}
	return undefined;
}

let aptUpdated = false;

/** Installs Debian's `aptPackage` when this is a root shell with apt-get; throws otherwise. */
function ensureAptPackage(aptPackage, why) {
	const root = typeof process.getuid === 'function' && process.getuid() === 0;
	if (!root || !onPath('apt-get')) {
		throw new Error(`Debian's ${aptPackage} is needed (${why}) and only root can install it: sudo apt-get install ${aptPackage}`);
	}
	log(`installing Debian's ${aptPackage} (${why})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	if (!aptUpdated) execFileSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
	aptUpdated = true;
	execFileSync('apt-get', ['install', '-y', '-q', aptPackage], { stdio: 'ignore', env });
}

/**
 * The path of `command`, installing Debian's `aptPackage` first when it is missing and this is a
 * root shell with apt-get. `why` says in the error what the program is for.
 */
function ensureCommand(command, aptPackage, why, candidates = []) {
	const find = () => candidates.find((file) => file && fs.existsSync(file)) ?? onPath(command);
	const found = find();
	if (found) return found;
	try {
		ensureAptPackage(aptPackage, why);
	} catch {
		// said below, with the command's name
	}
	const installed = find();
	if (installed) return installed;
	throw new Error(
		`${command} was not found (${why}). Install it with your system's package manager (Debian/Ubuntu: ` +
			`sudo apt-get install ${aptPackage}) and run the command again.`,
	);
}

module.exports = { ensureAptPackage, ensureCommand, onPath };
