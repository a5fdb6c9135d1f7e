'use strict';
/**
 * `npm run screenshots`: runs the tests that take the README's pictures (the templates in the real
 * editor, the Campaign Report in Chromium), then copies them from .screenshots/ into docs/. The test
 * run alone never writes into docs/.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const FROM = path.join(ROOT, '.screenshots');

const run = (args) => execFileSync('npx', args, { cwd: ROOT, stdio: 'inherit' });
run(['jest', '--testPathPattern', 'campaign-report-html|template-', '--selectProjects', 'unit', 'e2e']);

const copied = [];
const walk = (dir) => {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const file = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(file);
		else if (entry.name.endsWith('.png')) {
			const target = path.join(ROOT, 'docs', path.relative(FROM, file));
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.copyFileSync(file, target);
			copied.push(path.relative(ROOT, target));
		}
	}
};
walk(FROM);
console.log(`[campaign-kit] copied ${copied.length} pictures into docs/: ${copied.join(', ')}`);
