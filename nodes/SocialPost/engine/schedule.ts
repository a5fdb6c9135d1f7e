/**
 * When a post goes out. An item whose Publish At has come (or that has none) is published now.
 * One whose time is still ahead is not published early: it leaves on Skipped with `retryAt`, for
 * n8n's Wait node (At Specified Time) to bring it back then. A Facebook Page schedules posts itself
 * between 10 minutes and 30 days ahead (`scheduled_publish_time` with `published=false`), so there
 * the node hands such a post to Facebook at once, when Facebook Scheduling is on.
 * Plain TypeScript, no n8n import.
 */
import type { Platform } from './rules';

export const FACEBOOK_MIN_AHEAD_MS = 10 * 60_000;
export const FACEBOOK_MAX_AHEAD_MS = 30 * 24 * 3_600_000;

export type Timing =
	| { when: 'now' }
	/** Facebook publishes it at `at` (epoch seconds). */
	| { when: 'scheduled'; at: number }
	/** Not due: try again at `retryAt`. */
	| { when: 'later'; retryAt: string; reason: string };

export function timing(platform: Platform, publishAt: number | undefined, now: number, nativeScheduling: boolean): Timing {
	if (publishAt === undefined || publishAt <= now) return { when: 'now' };
	const ahead = publishAt - now;
	if (platform === 'facebook' && nativeScheduling && ahead >= FACEBOOK_MIN_AHEAD_MS && ahead <= FACEBOOK_MAX_AHEAD_MS) {
		return { when: 'scheduled', at: Math.floor(publishAt / 1000) };
	}
	const retryAt = new Date(publishAt).toISOString();
	const why =
		platform === 'facebook' && nativeScheduling
			? ahead < FACEBOOK_MIN_AHEAD_MS
				? ' (Facebook schedules 10 minutes ahead at the earliest)'
				: ' (Facebook schedules 30 days ahead at the most)'
			: '';
	return { when: 'later', retryAt, reason: `not due yet: publish at ${retryAt}${why}; a Wait node set to this time brings it back` };
}
