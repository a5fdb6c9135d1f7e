/**
 * Reads the Social Post node's parameters into one post per item, checks it against the
 * platform's rules (engine/rules.ts) and decides when it goes out (engine/schedule.ts), before any
 * request. A post that does not fit is Skipped with the reason and the adapted version, unless the
 * marketer chose to publish adapted versions; one not due yet is Skipped with `retryAt`.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { tagTextLinks, tagUrl, utmParameters, type Utm } from '../shared/channel/links';
import type { Draft } from '../shared/channel/send';
import { itemError } from '../shared/items';
import { shown } from '../shared/show';
import { toMillis } from '../shared/timestamps';
import { checkPost, type Platform, type PostContent } from './engine/rules';
import { timing } from './engine/schedule';
import type { SocialContent } from './platforms';

export type WhenNotFitting = 'skip' | 'publishAdapted';

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '');

const PRIVACY_LEVELS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];

export function socialDrafts(ctx: IExecuteFunctions, platform: Platform, credentialType: string, now: number): (itemIndex: number) => Draft<SocialContent> {
	// The account is the "recipient": the same post through the same credential is the same post.
	const account = `${platform}:${ctx.getNode().credentials?.[credentialType]?.id ?? 'no-credential'}`;
	const options = ctx.getNodeParameter('options', 0, {}) as { whenNotFitting?: WhenNotFitting; facebookScheduling?: boolean };
	const whenNotFitting = options.whenNotFitting ?? 'skip';
	const nativeScheduling = options.facebookScheduling !== false;
	// Parameters another platform shows are absent here, and read as empty.
	const read = (name: string, i: number) => text(ctx.getNodeParameter(name, i, ''));

	return (i) => {
		const utm = utmParameters(ctx.getNodeParameter('utm', i, {}) as Utm);
		const webUrl = (name: string, label: string) => {
			const value = read(name, i);
			if (value && !/^https?:\/\/\S+$/i.test(value)) {
				throw itemError(ctx, i, `the ${label} ${shown(value)} is not a web address`, `Give a full public address starting with https://, which ${platform === 'x' ? 'the node downloads' : 'the platform fetches'}, or leave ${label} empty.`);
			}
			return value || undefined;
		};
		const link = webUrl('link', 'Link');
		const sizes = { width: Number(ctx.getNodeParameter('options.imageWidth', i, 0)), height: Number(ctx.getNodeParameter('options.imageHeight', i, 0)) };
		const post: PostContent = {
			text: utm.length ? tagTextLinks(read('text', i), utm) : read('text', i),
			...(read('title', i) ? { title: read('title', i) } : {}),
			...(link ? { link: utm.length ? tagUrl(link, utm) : link } : {}),
			...(webUrl('imageUrl', 'Image URL') ? { imageUrl: webUrl('imageUrl', 'Image URL') } : {}),
			...(webUrl('videoUrl', 'Video URL') ? { videoUrl: webUrl('videoUrl', 'Video URL') } : {}),
			...(sizes.width && sizes.height ? { imageWidth: sizes.width, imageHeight: sizes.height } : {}),
		};

		const content: SocialContent = { platform, post };
		if (platform === 'pinterest') {
			const board = read('boardId', i);
			if (!/^\d+$/.test(board)) {
				throw itemError(ctx, i, board ? `the Board ID ${shown(board)} is not a Pinterest board ID` : 'the Board ID is empty', 'Give the board\'s numeric ID (GET /v5/boards lists them), e.g. 549755885175.');
			}
			content.boardId = board;
			const alt = read('altText', i);
			if (alt) content.altText = alt;
		}
		if (platform === 'tiktok') {
			const level = read('privacyLevel', i) || 'SELF_ONLY';
			if (!PRIVACY_LEVELS.includes(level)) throw itemError(ctx, i, `Who Can Watch is ${shown(level)}`, `Use one of ${PRIVACY_LEVELS.join(', ')}.`);
			content.privacyLevel = level;
		}

		const rawAt = ctx.getNodeParameter('publishAt', i, '') as unknown;
		let publishAt: number | undefined;
		if (rawAt !== '' && rawAt !== null && rawAt !== undefined) {
			publishAt = toMillis(rawAt);
			if (!Number.isFinite(publishAt)) {
				throw itemError(ctx, i, `Publish At is ${shown(rawAt)}, not a time`, 'Give an ISO 8601 time with its offset, e.g. 2026-05-01T09:00:00+02:00, or leave it empty to publish now.');
			}
		}

		const checked = checkPost(platform, post);
		if (!checked.ok) {
			const adapted = checked.adapted;
			if (!adapted || whenNotFitting === 'skip') {
				return {
					skip: checked.reason,
					output: { post: { platform, id: null, url: null, ...(adapted ? { adapted: { ...adapted.post, changes: adapted.changes } } : {}) } },
				};
			}
			content.post = adapted.post;
			content.changes = adapted.changes;
		}

		const when = timing(platform, publishAt, now, nativeScheduling);
		if (when.when === 'later') return { skip: when.reason, retryAt: when.retryAt, output: { post: { platform, id: null, url: null, publishAt: when.retryAt } } };
		if (when.when === 'scheduled') content.scheduledAt = when.at;

		return {
			recipient: { address: account, key: account },
			content,
			fingerprint: { post: content.post, boardId: content.boardId ?? null, privacyLevel: content.privacyLevel ?? null, scheduledAt: content.scheduledAt ?? null },
		};
	};
}
