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

/** Credential type names: `campaignKit<Name>Api`. */
const type = (name: string) => `campaignKit${name}Api`;

export const CREDENTIALS: Record<Platform, Partial<Record<Authentication, string>>> = {
	x: { accessToken: type('X'), oAuth2: type('XOAuth2') },
	instagram: { accessToken: type('Instagram') },
	facebook: { accessToken: type('FacebookPage') },
	tiktok: { accessToken: type('TikTok') },
	pinterest: { accessToken: type('Pinterest'), oAuth2: type('PinterestOAuth2') },
};

export function credentialTypeFor(platform: Platform, authentication: Authentication): string {
	const types = CREDENTIALS[platform];
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
