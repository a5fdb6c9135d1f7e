/** The five platforms, each a provider of the channel model with its credential(s). */
import type { Provider } from '../../shared/channel/types';
import type { Platform } from '../engine/rules';
import type { SocialContent } from './common';
import { facebookPlatform } from './facebook';
import { instagramPlatform } from './instagram';
import { pinterestPlatform } from './pinterest';
import { tiktokPlatform } from './tiktok';
import { xPlatform } from './x';

export type { SocialContent } from './common';

/** How the node signs in: a token pasted in, or n8n's OAuth2 flow (X, Pinterest). */
export type Authentication = 'accessToken' | 'oAuth2';

export const CREDENTIALS = {
	x: { accessToken: 'campaignKitXApi', oAuth2: 'campaignKitXOAuth2Api' },
	instagram: { accessToken: 'campaignKitInstagramApi' },
	facebook: { accessToken: 'campaignKitFacebookPageApi' },
	tiktok: { accessToken: 'campaignKitTikTokApi' },
	pinterest: { accessToken: 'campaignKitPinterestApi', oAuth2: 'campaignKitPinterestOAuth2Api' },
} as const satisfies Record<Platform, Partial<Record<Authentication, string>>>;

export function credentialTypeFor(platform: Platform, authentication: Authentication): string {
	const types = CREDENTIALS[platform] as Partial<Record<Authentication, string>>;
	return types[authentication] ?? types.accessToken ?? '';
}

/** A fresh adapter for one execution (quota state lives in it). */
export function platformProvider(platform: Platform, authentication: Authentication): Provider<SocialContent> {
	const credentialType = credentialTypeFor(platform, authentication);
	switch (platform) {
		case 'x':
			return xPlatform(credentialType);
		case 'instagram':
			return instagramPlatform();
		case 'facebook':
			return facebookPlatform();
		case 'tiktok':
			return tiktokPlatform(credentialType);
		case 'pinterest':
			return pinterestPlatform(credentialType);
	}
}
