/**
 * Pictures of workflows as the n8n editor draws them, for the README: headless Chromium (Debian's
 * `chromium` package: see test/helpers/screenshots.ts) opens the real editor signed in as the owner.
 *
 * The editor sends its own `browser-id` with every request and n8n ties the session cookie to it,
 * so the page is given the id the cookie was issued for before n8n's scripts run.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import puppeteer from 'puppeteer-core';

import { chromiumPath } from '../helpers/screenshots';
import { OWNER } from './n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { N8nClient } = require('../../scripts/host');

const BROWSER_ID = 'campaign-kit';

/** Saves a PNG of the workflow's canvas, zoomed to fit, and returns its size in bytes. */
export async function screenshotWorkflow(workflowId: string, file: string, { width = 1800, height = 900 } = {}) {
	const baseUrl = process.env.CK_N8N_URL!;
	const session = new N8nClient(baseUrl);
	await session.signIn(OWNER);
	const cookies = (session.cookie as string).split('; ').map((pair) => {
		const [name, ...value] = pair.split('=');
		return { name, value: value.join('='), domain: new URL(baseUrl).hostname, path: '/' };
	});
	const browser = await puppeteer.launch({
		executablePath: chromiumPath(),
		headless: true,
		args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', `--window-size=${width},${height}`],
	});
	try {
		const page = await browser.newPage();
		await page.setViewport({ width, height, deviceScaleFactor: 1 });
		await browser.setCookie(...cookies);
		await page.evaluateOnNewDocument(`localStorage.setItem('n8n-browserId', ${JSON.stringify(BROWSER_ID)})`);
		await page.goto(`${baseUrl}/workflow/${workflowId}`, { waitUntil: 'networkidle2', timeout: 60_000 });
		await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
		// Let the canvas settle, then "fit view" (the editor's shortcut 1) and let it animate.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		await page.keyboard.press('Digit1');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		mkdirSync(path.dirname(file), { recursive: true });
		const nodes = await page.$$eval('[data-test-id="canvas-node"]', (list) => list.length);
		await page.screenshot({ path: file as `${string}.png` });
		return { nodes };
	} finally {
		await browser.close();
	}
}
