/**
 * The HTML report: the email-safety rules checked on the markup, then rendered by a real headless
 * Chromium and checked on the pixels (the charts, alert boxes and page are drawn, in their
 * colours). `npm run screenshots` keeps the screenshot as docs/campaign-report.png for the README.
 *
 * Chromium is required (test/helpers/screenshots.ts finds or installs it): without it this test fails.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';

import { buildReport, toHtml } from '../../nodes/CampaignReport/engine';
import { reference, referenceSettings } from '../helpers/campaign-report';
import { chromiumPath, screenshotFile } from '../helpers/screenshots';

const settings = referenceSettings();
const report = buildReport(reference.rows, settings, 'Weekly campaign report');
const html = toHtml(report, { currency: '€' });

/** Width, height and RGBA pixels of an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes). */
function decodePng(png: Buffer): { width: number; height: number; pixel: (x: number, y: number) => [number, number, number] } {
	expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
	let offset = 8;
	let width = 0;
	let height = 0;
	let channels = 0;
	const idat: Buffer[] = [];
	while (offset < png.length) {
		const length = png.readUInt32BE(offset);
		const type = png.toString('latin1', offset + 4, offset + 8);
		const data = png.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			expect(data[8]).toBe(8); // bit depth
			channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
			expect(channels).toBeGreaterThan(0);
			expect(data[12]).toBe(0); // not interlaced
		} else if (type === 'IDAT') idat.push(data);
		offset += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * channels;
	const out = Buffer.alloc(height * stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
		for (let i = 0; i < stride; i++) {
			const a = i >= channels ? out[y * stride + i - channels] : 0;
			const b = y > 0 ? out[(y - 1) * stride + i] : 0;
			const c = y > 0 && i >= channels ? out[(y - 1) * stride + i - channels] : 0;
			let v = line[i];
			if (filter === 1) v += a;
			else if (filter === 2) v += b;
			else if (filter === 3) v += (a + b) >> 1;
			else if (filter === 4) {
				const p = a + b - c;
				const pa = Math.abs(p - a);
				const pb = Math.abs(p - b);
				const pc = Math.abs(p - c);
				v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			out[y * stride + i] = v & 0xff;
		}
	}
	return { width, height, pixel: (x, y) => [out[y * stride + x * channels], out[y * stride + x * channels + 1], out[y * stride + x * channels + 2]] };
}

describe('Campaign Report HTML', () => {
	test('follows the email-safety rules', () => {
		expect(html).not.toMatch(/<script/i);
		expect(html).not.toMatch(/<img|<svg|<canvas|<iframe|<link|<style/i); // no images, no style sheets
		expect(html).not.toMatch(/\s(src|srcset)=/i);
		expect(html).not.toMatch(/https?:\/\//i); // nothing external at all
		expect(html).not.toMatch(/\sclass=|\sid=/i); // styles are inline
		expect(html).not.toMatch(/display:\s*(flex|grid)|float:|position:|url\(/i); // what Outlook ignores or blocks
		expect(html).toMatch(/^<!DOCTYPE html>/);
		expect(html).toContain('width="640"');
		// Every table is a layout table with its spacing set, and every div and cell is styled inline.
		const tables = html.match(/<table[^>]*>/g)!;
		expect(tables.length).toBeGreaterThan(20);
		for (const t of tables) expect(t).toMatch(/cellpadding="0" cellspacing="0" border="0"/);
		for (const d of html.match(/<div[^>]*>/g)!) expect(d).toMatch(/style="[^"]*font-family/);
		// Text from the data is escaped.
		const tricky = buildReport([{ date: '2026-03-01', channel: '<b>x</b>', campaign: '"&', spend: 1 }], { ...settings, period: 'custom', customStart: '2026-03-01', customEnd: '2026-03-01', anomalies: null, forecast: null, budgets: [] });
		const trickyHtml = toHtml(tricky);
		expect(trickyHtml).toContain('&lt;b&gt;x&lt;/b&gt;');
		expect(trickyHtml).not.toContain('<b>x</b>');
	});

	test('renders in headless Chromium: page, charts and alert boxes drawn; screenshot saved for docs/ (npm run screenshots)', () => {
		const browser = chromiumPath();
		const dir = mkdtempSync(path.join(tmpdir(), 'campaign-report-'));
		try {
			const file = path.join(dir, 'report.html');
			const png = path.join(dir, 'report.png');
			writeFileSync(file, html);
			execFileSync(browser, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--screenshot=${png}`, '--window-size=720,2300', `file://${file}`], {
				stdio: 'pipe',
				timeout: 60_000,
				// Chromium hangs under faketime's preload (the night-time run); its clock does not matter here.
				env: { ...process.env, LD_PRELOAD: '' },
			});
			const image = decodePng(readFileSync(png));
			expect(image.width).toBe(720);
			expect(image.height).toBe(2300);
			const counts = new Map<string, number>();
			for (let y = 0; y < image.height; y += 2) {
				for (let x = 0; x < image.width; x += 2) {
					const key = image.pixel(x, y).map((v) => v.toString(16).padStart(2, '0')).join('');
					counts.set(key, (counts.get(key) ?? 0) + 1);
				}
			}
			const count = (hex: string) => counts.get(hex) ?? 0;
			// The grey page around the white 640-px card, the blue bars, the amber alert stripes, the pacing bars.
			expect(image.pixel(5, 5)).toEqual([0xf4, 0xf5, 0xf7]);
			expect(image.pixel(360, 60)).toEqual([0xff, 0xff, 0xff]);
			expect(count('3b6fd8')).toBeGreaterThan(4000); // the bars of "Spend per day" and "Spend by channel" (sampled every 2 px)
			expect(count('fef7e0')).toBeGreaterThan(5000); // warning boxes' background
			expect(count('b06000')).toBeGreaterThan(100); // their stripe and title
			expect(count('c5221f')).toBeGreaterThan(300); // the overpacing bars
			expect(count('eef3fc')).toBeGreaterThan(3000); // the forecast box
			copyFileSync(png, screenshotFile('campaign-report'));
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
