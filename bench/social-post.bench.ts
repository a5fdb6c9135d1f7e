/**
 * Social Post's content engine: checking posts against each platform's rules (X's weighted
 * length with links and emoji, Instagram's hashtags and caption, Pinterest's title and
 * description) and shortening those that do not fit. No target is named in the issue; a run of
 * posts is checked before any request, so it must stay far below the time of one request.
 */
import { checkPost, type Platform, type PostContent } from '../nodes/SocialPost/engine/rules';
import type { BenchRow } from './types';

const N = 100_000;

/** A fixed mix: a third too long for X, a tenth with 31 hashtags, emoji and CJK, links. */
function posts(): PostContent[] {
	const words = ['Spring', 'is', 'here', 'and', 'our', 'garden', 'range', 'has', 'seeds,', 'pots', 'and', 'tools', '🌷', '春', 'for', 'every', 'balcony'];
	return Array.from({ length: N }, (_, i) => {
		const length = i % 3 === 0 ? 70 : 20;
		const body = Array.from({ length }, (_, w) => words[(i + w) % words.length]).join(' ');
		const tags = Array.from({ length: i % 10 === 0 ? 31 : 3 }, (_, t) => `#tag${t}x`).join(' ');
		return { text: `${body} https://shop.example/p/${i} ${tags}`, title: body.slice(0, 120), imageUrl: 'https://cdn.shop.example/a.jpg', videoUrl: 'https://cdn.shop.example/a.mp4' };
	});
}

export async function run(): Promise<BenchRow[]> {
	const all = posts();
	const rows: BenchRow[] = [];
	for (const platform of ['x', 'instagram', 'pinterest'] as Platform[]) {
		for (let i = 0; i < 1000; i++) checkPost(platform, all[i]); // warm-up
		let adapted = 0;
		let skipped = 0;
		const start = process.hrtime.bigint();
		for (const post of all) {
			const checked = checkPost(platform, post);
			if (!checked.ok) {
				skipped++;
				if (checked.adapted) adapted++;
			}
		}
		const seconds = Number(process.hrtime.bigint() - start) / 1e9;
		rows.push({
			name: `Social Post: check ${N.toLocaleString('en-US')} posts for ${platform} (${skipped.toLocaleString('en-US')} do not fit, ${adapted.toLocaleString('en-US')} adapted)`,
			value: Number(seconds.toFixed(3)),
			unit: 's',
			target: 'no target',
			pass: true,
		});
	}
	return rows;
}
