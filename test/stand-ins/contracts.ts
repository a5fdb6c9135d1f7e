/**
 * Providers' published API contracts (OpenAPI), kept outside the project in ../shared/contracts.
 * A stand-in checks every request body against them when they are there; a plain clone has no
 * such folder, so loading answers undefined and the tests that need a contract say they skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
