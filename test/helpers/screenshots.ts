/**
 * Where tests save the pictures they take (the templates in the real editor, the Campaign Report in
 * Chromium): an ignored folder, so `npm test` never changes a tracked file. `npm run screenshots`
 * runs those tests and copies the pictures into docs/ (the same relative path) when asked.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureCommand } = require('../../scripts/system');

/**
 * Headless Chromium for the pictures and the report check: CK_CHROMIUM, or Debian's `chromium`
 * (installed with apt-get when missing and running as root). npm's serverless Chromium build
 * (@sparticuz/chromium) was tried here and hangs at start on Debian, so the system's is used.
 */
export function chromiumPath(): string {
	return ensureCommand('chromium', 'chromium', 'the tests render pages in headless Chromium', [process.env.CK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser']);
}

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '.screenshots');

/** The file for a picture named like its place under docs/ (`templates/welcome-series`). */
export function screenshotFile(name: string): string {
	const file = path.join(SCREENSHOT_DIR, `${name}.png`);
	mkdirSync(path.dirname(file), { recursive: true });
	return file;
}
