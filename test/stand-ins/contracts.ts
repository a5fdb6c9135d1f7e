/**
 * Providers' published API contracts (OpenAPI), kept outside the project in ../shared/contracts.
 * A stand-in checks every request body against them when they are there; a plain clone has no
 * such folder, so loading answers undefined and the tests that need a contract say they skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export const CONTRACTS_DIR = path.resolve(__dirname, '../../../shared/contracts');

export function loadContract(file: string): Record<string, unknown> | undefined {
	const full = path.join(CONTRACTS_DIR, file);
	return existsSync(full) ? (JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown>) : undefined;
}

export type BodyCheck = (body: unknown) => Array<{ message: string; field: string }>;

/**
 * A validator for the JSON request body of `method path` in an OpenAPI 3.1 contract, or
 * undefined when the contract file is absent.
 */
export function requestBodyCheck(file: string, route: string, method: string): BodyCheck | undefined {
	const contract = loadContract(file);
	if (!contract) return undefined;
	// OpenAPI adds keywords JSON Schema does not know (example, nullable, x-…): not strict.
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	addFormats(ajv);
	ajv.addSchema(contract, 'contract');
	const operation = (contract.paths as Record<string, Record<string, { requestBody?: { $ref?: string } }>>)[route]?.[method.toLowerCase()];
	const ref = operation?.requestBody?.$ref;
	if (!ref) throw new Error(`${file} has no request body for ${method} ${route}`);
	const pointer = `${ref.slice(1)}/content/application~1json/schema`;
	const validate = ajv.getSchema(`contract#${pointer}`);
	if (!validate) throw new Error(`${file}: no schema at ${pointer}`);
	return (body) =>
		validate(body) ? [] : (validate.errors ?? []).map((error) => ({ message: `${error.instancePath || '/'} ${error.message}`, field: error.instancePath }));
}

export interface OperationCheckOptions {
	/** The media type of the body (default application/json). */
	mediaType?: string;
	/** Form bodies arrive as text: numbers, booleans and single values of arrays are coerced first. */
	form?: boolean;
	/** Formats the contract uses that ajv-formats lacks (Twilio's `phone-number`): a pattern, or true to accept anything. */
	formats?: Record<string, RegExp | true>;
}

/**
 * A validator for the request body of `method path` in an OpenAPI 3.0 or 3.1 contract, whether
 * the operation names a shared request body (`$ref`) or holds its own; undefined when the
 * contract file is absent.
 */
export function operationBodyCheck(file: string, route: string, method: string, options: OperationCheckOptions = {}): BodyCheck | undefined {
	const contract = loadContract(file);
	if (!contract) return undefined;
	const mediaType = options.mediaType ?? 'application/json';
	const settings = { strict: false, allErrors: true, ...(options.form ? { coerceTypes: 'array' as const } : {}) };
	// 3.1 is JSON Schema 2020-12; 3.0's schema objects are close enough to draft-07, Ajv's default.
	const ajv = String(contract.openapi).startsWith('3.1') ? new Ajv2020(settings) : new Ajv(settings);
	addFormats(ajv);
	for (const [name, format] of Object.entries(options.formats ?? {})) ajv.addFormat(name, format);
	ajv.addSchema(contract, 'contract');
	const paths = contract.paths as Record<string, Record<string, { requestBody?: { $ref?: string; content?: Record<string, unknown> } }>>;
	const operation = paths[route]?.[method.toLowerCase()];
	if (!operation?.requestBody) throw new Error(`${file} has no request body for ${method} ${route}`);
	const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
	const base = operation.requestBody.$ref
		? operation.requestBody.$ref.slice(1)
		: `/paths/${escape(route)}/${method.toLowerCase()}/requestBody`;
	const pointer = `${base}/content/${escape(mediaType)}/schema`;
	const validate = ajv.getSchema(`contract#${pointer}`);
	if (!validate) throw new Error(`${file}: no schema at ${pointer}`);
	return (body) => {
		// Coercion changes the data it checks: check a copy.
		const data = options.form ? JSON.parse(JSON.stringify(body ?? null)) : body;
		return validate(data) ? [] : (validate.errors ?? []).map((error) => ({ message: `${error.instancePath || '/'} ${error.message}`, field: error.instancePath }));
	};
}
