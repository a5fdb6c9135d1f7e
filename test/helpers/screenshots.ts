/**
 * Where tests save the pictures they take (the templates in the real editor, the Campaign Report in
 * Chromium): an ignored folder, so `npm test` never changes a tracked file. `npm run screenshots`
 * runs those tests and copies the pictures into docs/ (the same relative path) when asked.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '.screenshots');

/** The file for a picture named like its place under docs/ (`templates/welcome-series`). */
export function screenshotFile(name: string): string {
	const file = path.join(SCREENSHOT_DIR, `${name}.png`);
	mkdirSync(path.dirname(file), { recursive: true });
	return file;
}
