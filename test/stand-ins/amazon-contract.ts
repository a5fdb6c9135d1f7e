/**
 * Amazon's published Sponsored Products v3 contract (OpenAPI 3.0.1), kept outside the project in
 * ../shared/contracts. Undefined on a plain clone: the stand-in then checks only the documented
 * rules, and the tests that need the contract say they skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const AMAZON_CONTRACT = path.resolve(__dirname, '../../../shared/contracts/amazon-ads-sponsored-products-v3.json');

let cached: Record<string, unknown> | undefined | null = null;

export function loadAmazonContract(): Record<string, unknown> | undefined {
	if (cached === null) cached = existsSync(AMAZON_CONTRACT) ? (JSON.parse(readFileSync(AMAZON_CONTRACT, 'utf8')) as Record<string, unknown>) : undefined;
	return cached;
}
