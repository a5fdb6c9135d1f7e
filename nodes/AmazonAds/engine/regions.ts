/** Amazon Ads API hosts and Login with Amazon token endpoints, by advertising region. */
export const AMAZON_ADS_REGIONS = {
	NA: { api: 'https://advertising-api.amazon.com', token: 'https://api.amazon.com/auth/o2/token' },
	EU: { api: 'https://advertising-api-eu.amazon.com', token: 'https://api.amazon.co.uk/auth/o2/token' },
	FE: { api: 'https://advertising-api-fe.amazon.com', token: 'https://api.amazon.co.jp/auth/o2/token' },
} as const;

export type AmazonAdsRegion = keyof typeof AMAZON_ADS_REGIONS;

export const regionOf = (value: unknown): AmazonAdsRegion => (String(value) in AMAZON_ADS_REGIONS ? (value as AmazonAdsRegion) : 'NA');
