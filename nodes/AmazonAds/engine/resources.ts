/**
 * Sponsored Products v3 entities as the API names them (from Amazon's published OpenAPI file,
 * SponsoredProducts_prod_3p.json): paths, versioned media types, the array key in request and
 * answer bodies, and the ID field. Every write takes at most 1,000 entities per request.
 */
export type ResourceName = 'campaigns' | 'adGroups' | 'keywords' | 'negativeKeywords' | 'targets';

export interface Resource {
	/** Singular, for messages: "keyword". */
	label: string;
	path: string;
	/** Content-Type and Accept of every request. */
	mediaType: string;
	/** The array in create / update bodies and in the 207 and list answers. */
	key: string;
	/** The ID field of an update entry and of a success entry. */
	idField: string;
	/** The ID field in answers where it differs from the update field (negative keywords). */
	answerIdField: string;
	/** The filter of /delete (archive) and of list by IDs. */
	idFilter: string;
	/** The entity inside a success entry (with Prefer: return=representation). */
	entityField: string;
}

export const RESOURCES: Record<ResourceName, Resource> = {
	campaigns: {
		label: 'campaign',
		path: '/sp/campaigns',
		mediaType: 'application/vnd.spCampaign.v3+json',
		key: 'campaigns',
		idField: 'campaignId',
		answerIdField: 'campaignId',
		idFilter: 'campaignIdFilter',
		entityField: 'campaign',
	},
	adGroups: {
		label: 'ad group',
		path: '/sp/adGroups',
		mediaType: 'application/vnd.spAdGroup.v3+json',
		key: 'adGroups',
		idField: 'adGroupId',
		answerIdField: 'adGroupId',
		idFilter: 'adGroupIdFilter',
		entityField: 'adGroup',
	},
	keywords: {
		label: 'keyword',
		path: '/sp/keywords',
		mediaType: 'application/vnd.spKeyword.v3+json',
		key: 'keywords',
		idField: 'keywordId',
		answerIdField: 'keywordId',
		idFilter: 'keywordIdFilter',
		entityField: 'keyword',
	},
	negativeKeywords: {
		label: 'negative keyword',
		path: '/sp/negativeKeywords',
		mediaType: 'application/vnd.spNegativeKeyword.v3+json',
		key: 'negativeKeywords',
		idField: 'keywordId',
		answerIdField: 'negativeKeywordId',
		idFilter: 'negativeKeywordIdFilter',
		entityField: 'negativeKeyword',
	},
	targets: {
		label: 'product target',
		path: '/sp/targets',
		mediaType: 'application/vnd.spTargetingClause.v3+json',
		key: 'targetingClauses',
		idField: 'targetId',
		answerIdField: 'targetId',
		idFilter: 'targetIdFilter',
		entityField: 'targetingClause',
	},
};

/** Entities per create, update or archive request (every write schema: maxItems 1000). */
export const MAX_PER_REQUEST = 1000;

/** Filters of the list endpoints: IDs at most 100 for campaign / ad group filters, 1,000 for the entity's own. */
export const MAX_PARENT_IDS = 100;
