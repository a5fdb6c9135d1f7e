import type { IDataObject, INodeCredentialDescription, IExecuteFunctions, INodeExecutionData, INodeProperties, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { campaignTracking, sendingOptionsCollection, sendingSettings, type ChannelWords } from '../shared/channel/options';
import { CHANNEL_OUTPUT_NAMES, sendThroughChannel } from '../shared/channel/send';
import { socialDrafts } from './compose';
import type { Platform } from './engine/rules';
import { CREDENTIALS, credentialTypeFor, platformProvider, type Authentication } from './platforms';
import { now as clockNow } from '../shared/clock';

const WORDS: ChannelWords = {
	noun: 'post',
	linksIn: 'every link in the post and its Link',
	medium: 'social',
	source: 'instagram',
	campaign: 'spring-launch',
	same: 'the same post to the same account',
	already: 'accounts that already got this exact post',
};

const show = (...platforms: Platform[]) => ({ show: { platform: platforms } });

/** Access Token credentials show for Access Token (or platforms without a choice); OAuth2 ones for OAuth2. */
function credentials(): INodeCredentialDescription[] {
	const list: INodeCredentialDescription[] = [];
	for (const [platform, types] of Object.entries(CREDENTIALS) as Array<[Platform, (typeof CREDENTIALS)[Platform]]>) {
		for (const [authentication, name] of Object.entries(types) as Array<[Authentication, string]>) {
			const choice = 'oAuth2' in types;
			list.push({
				name,
				// Optional: Simulate runs without any credential.
				required: false,
				displayOptions: { show: { platform: [platform], ...(choice ? { authentication: [authentication] } : {}) } },
			});
		}
	}
	return list;
}

const properties: INodeProperties[] = [
	{
		displayName: 'Platform',
		name: 'platform',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Facebook Page', value: 'facebook', description: 'A text, link or photo post on a Page, now or scheduled by Facebook' },
			{ name: 'Instagram', value: 'instagram', description: 'An image or Reel on a professional account' },
			{ name: 'Pinterest', value: 'pinterest', description: 'A Pin on one of your boards' },
			{ name: 'TikTok', value: 'tiktok', description: 'A video TikTok fetches from its URL' },
			{ name: 'X', value: 'x', description: 'A post, with an image if you like' },
		],
		default: 'x',
		description: 'Where to publish. One node per platform: put several side by side to publish the same content everywhere.',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		noDataExpression: true,
		displayOptions: show('x', 'pinterest'),
		options: [
			{ name: 'Access Token', value: 'accessToken', description: 'A token you made in the platform\'s developer portal' },
			{ name: 'OAuth2', value: 'oAuth2', description: 'Sign in through n8n; n8n refreshes the token' },
		],
		default: 'oAuth2',
	},
	{
		displayName: 'Simulate',
		name: 'simulate',
		type: 'boolean',
		default: false,
		description: 'Whether to only check every post and show the exact requests the platform would receive, publishing nothing. Works without credentials.',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '={{ $json.text }}',
		description:
			'The post: X\'s text (280 characters, links count 23), the Instagram or TikTok caption (2,200), the Page post\'s message, the Pin\'s description (500). A post that does not fit is Skipped with the reason and a version that would.',
	},
	{
		displayName: 'Title',
		name: 'title',
		type: 'string',
		displayOptions: show('pinterest'),
		default: '={{ $json.title }}',
		description: 'The Pin\'s title, up to 100 characters',
	},
	{
		displayName: 'Board ID',
		name: 'boardId',
		type: 'string',
		displayOptions: show('pinterest'),
		default: '',
		required: true,
		placeholder: '549755885175',
		description: 'The numeric ID of the board the Pin goes to',
	},
	{
		displayName: 'Link',
		name: 'link',
		type: 'string',
		displayOptions: show('facebook', 'pinterest'),
		default: '={{ $json.link }}',
		description: 'Where the post leads (a Page link post, the Pin\'s destination); gets the UTM parameters below. On X and Instagram put links in the Text.',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		displayOptions: show('x', 'instagram', 'facebook', 'pinterest'),
		default: '={{ $json.imageUrl }}',
		placeholder: 'https://cdn.example.com/spring.jpg',
		description: 'A public address of the image. Instagram takes JPEG, 4:5 to 1.91:1; X up to 5 MB. Needed for Instagram (or a video) and Pinterest.',
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		displayOptions: show('instagram', 'tiktok'),
		default: '={{ $json.videoUrl }}',
		placeholder: 'https://cdn.example.com/spring.mp4',
		description: 'A public address of the video: an Instagram Reel, or the TikTok video (TikTok fetches it from a domain you verified with TikTok)',
	},
	{
		displayName: 'Alt Text',
		name: 'altText',
		type: 'string',
		displayOptions: show('pinterest'),
		default: '',
		description: 'What the image shows, for people using screen readers (up to 500 characters)',
	},
	{
		displayName: 'Who Can Watch',
		name: 'privacyLevel',
		type: 'options',
		displayOptions: show('tiktok'),
		options: [
			{ name: 'Everyone', value: 'PUBLIC_TO_EVERYONE' },
			{ name: 'Followers', value: 'FOLLOWER_OF_CREATOR' },
			{ name: 'Friends', value: 'MUTUAL_FOLLOW_FRIENDS' },
			{ name: 'Only Me', value: 'SELF_ONLY', description: 'The only choice until TikTok has audited your app' },
		],
		default: 'SELF_ONLY',
	},
	{
		displayName: 'Publish At',
		name: 'publishAt',
		type: 'string',
		default: '={{ $json.publishAt }}',
		placeholder: '2026-05-01T09:00:00+02:00',
		description:
			'When the post may go out (ISO 8601 with offset). Empty or past: now. Ahead: Skipped with retryAt, for a Wait node to bring back then; a Facebook Page schedules posts 10 minutes to 30 days ahead itself.',
	},
	campaignTracking(WORDS),
	sendingOptionsCollection(WORDS, [
		{
			displayName: 'When Content Does Not Fit',
			name: 'whenNotFitting',
			type: 'options',
			options: [
				{ name: 'Skip It and Offer an Adapted Version', value: 'skip', description: 'The item leaves on Skipped with the reason and post.adapted, a version that fits' },
				{ name: 'Publish the Adapted Version', value: 'publishAdapted', description: 'Shortened at a word boundary, hashtags kept at the end; post.adapted says what changed' },
			],
			default: 'skip',
			description: 'What happens to a post that is too long or has too many hashtags. Missing media or a wrong image shape is always Skipped.',
		},
		{
			displayName: 'Facebook Scheduling',
			name: 'facebookScheduling',
			type: 'boolean',
			default: true,
			description: 'Whether a Page post due 10 minutes to 30 days ahead is handed to Facebook now, to publish at its time',
		},
		{
			displayName: 'Image Width (Px)',
			name: 'imageWidth',
			type: 'number',
			default: 0,
			description: 'The image\'s width (an expression reading it from the item works), to check Instagram\'s aspect ratios before posting',
		},
		{
			displayName: 'Image Height (Px)',
			name: 'imageHeight',
			type: 'number',
			default: 0,
			description: 'The image\'s height, to check Instagram\'s aspect ratios before posting',
		},
	]),
];

// Not usableAsTool: n8n's tool wrapper returns only the first output, so an agent would never see
// skipped or failed posts.
// eslint-disable-next-line @n8n/community-nodes/node-usable-as-tool
export class SocialPost implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Social Post',
		name: 'socialPost',
		icon: { light: 'file:socialPost.svg', dark: 'file:socialPost.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ ($parameter["simulate"] ? "Simulate: " : "") + {"x": "X", "instagram": "Instagram", "facebook": "Facebook Page", "tiktok": "TikTok", "pinterest": "Pinterest"}[$parameter["platform"]] }}',
		description: 'Publish posts to X, Instagram, a Facebook Page, TikTok or Pinterest, checked against each platform\'s rules first. Never posts the same thing twice.',
		defaults: { name: 'Social Post' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Published', CHANNEL_OUTPUT_NAMES[1], CHANNEL_OUTPUT_NAMES[2]],
		credentials: credentials(),
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const platform = this.getNodeParameter('platform', 0) as Platform;
		const authentication = this.getNodeParameter('authentication', 0, 'accessToken') as Authentication;
		const sending = sendingSettings(this.getNodeParameter('options', 0, {}) as IDataObject);
		const provider = platformProvider(platform, authentication);
		const now = clockNow();
		return await sendThroughChannel(this, {
			primary: provider,
			drafts: () => socialDrafts(this, platform, credentialTypeFor(platform, authentication), now),
			simulate: this.getNodeParameter('simulate', 0, false) as boolean,
			...sending,
			// One post at a time per account: quotas are counted in order, and platforms frown on bursts.
			concurrency: 1,
		});
	}
}
