#!/usr/bin/env node
'use strict';
/**
 * `npm run bench`: runs every bench/*.bench.ts (compiled to .bench/ by tsconfig.bench.json) and
 * prints each figure against its issue's target. `npm run bench -- ab-split` runs the matching ones.
 * Exits non-zero when a target is missed.
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = path.resolve(__dirname, '..', '.bench', 'bench');
const only = process.argv.slice(2);

async function main() {
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.bench.js'))
		.filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
		.sort();
	const rows = [];
	for (const file of files) {
		const started = Date.now();
		const result = await require(path.join(dir, file)).run();
		console.log(`${file.replace('.bench.js', '')}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
		rows.push(...result);
	}
	const width = Math.max(...rows.map((r) => r.name.length));
	console.log(`\n${'figure'.padEnd(width)}  ${'measured'.padStart(14)}  target`);
	for (const r of rows) {
		const value = Number.isInteger(r.value) ? r.value.toLocaleString('en-US') : r.value.toPrecision(4);
		console.log(`${r.name.padEnd(width)}  ${`${value} ${r.unit}`.padStart(14)}  ${r.target}${r.pass ? '' : '  MISSED'}`);
	}
	if (rows.some((r) => !r.pass)) process.exitCode = 1;
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
