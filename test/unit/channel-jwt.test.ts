/** RS256 JWTs and Google service-account assertions, verified with node:crypto against the key pair's public half. */
import { createVerify, generateKeyPairSync } from 'node:crypto';

import {
	GOOGLE_TOKEN_URL,
	base64url,
	normalisePem,
	requestTarget,
	sameEndpoint,
	serviceAccount,
	serviceAccountProject,
	signJwt,
	tokenAssertion,
	tokenRequestBody,
} from '../../nodes/shared/channel/jwt';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const keyFile = {
	type: 'service_account',
	project_id: 'shop-app-4821',
	private_key_id: 'a1b2c3d4e5',
	// As the file holds it: line breaks written as \n.
	private_key: pem,
	client_email: 'firebase-adminsdk-x1y2z@shop-app-4821.iam.gserviceaccount.com',
	token_uri: GOOGLE_TOKEN_URL,
};

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('signJwt (RS256)', () => {
	it('header.payload.signature, base64url without padding, verifiable with the public key', () => {
		const token = signJwt({ sub: 'x', n: 1 }, pem, { kid: 'k1' });
		const [header, payload, signature] = token.split('.');
		expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
		expect(decode(payload)).toEqual({ sub: 'x', n: 1 });
		expect(token).not.toMatch(/[=+/]/);
		expect(createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
		// Any change to the claims breaks it.
		const forged = base64url(JSON.stringify({ sub: 'y', n: 1 }));
		expect(createVerify('RSA-SHA256').update(`${header}.${forged}`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(false);
	});
});

describe('service accounts', () => {
	it('reads the pasted key file', () => {
		const account = serviceAccount({ format: 'json', serviceAccountJson: JSON.stringify(keyFile) });
		expect(account).toEqual({ projectId: 'shop-app-4821', clientEmail: keyFile.client_email, privateKey: pem.trim(), keyId: 'a1b2c3d4e5', tokenUrl: GOOGLE_TOKEN_URL });
	});

	it('reads the three fields, with the key’s line breaks typed as \\n, and an overridden token URL', () => {
		const account = serviceAccount({
			format: 'fields',
			projectId: ' shop-app-4821 ',
			clientEmail: keyFile.client_email,
			privateKey: pem.trim().split('\n').join('\\n'),
			oauthUrl: 'http://127.0.0.1:9999/token',
		});
		expect(account.privateKey).toBe(pem.trim());
		expect(account.projectId).toBe('shop-app-4821');
		expect(account.tokenUrl).toBe('http://127.0.0.1:9999/token');
		expect(normalisePem('a\\r\\nb'.replace(/\\r/g, '\r'))).toBe('a\nb');
	});

	it('says what to fix', () => {
		expect(() => serviceAccount({ format: 'json', serviceAccountJson: '{"type": "service_account",' })).toThrow(/^the service account JSON is not valid JSON/);
		expect(() => serviceAccount({ format: 'json', serviceAccountJson: '' })).toThrow(/is empty/);
		expect(() => serviceAccount({ format: 'json', serviceAccountJson: JSON.stringify({ type: 'authorized_user' }) })).toThrow(/"authorized_user" file, not a service account key/);
		expect(() => serviceAccount({ format: 'json', serviceAccountJson: JSON.stringify({ ...keyFile, project_id: '' }) })).toThrow(/no project ID/);
		expect(() => serviceAccount({ format: 'fields', projectId: 'p', clientEmail: 'e@x', privateKey: 'not a key' })).toThrow(/the private key is not a PEM private key/);
		const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		expect(() => serviceAccount({ format: 'fields', projectId: 'p', clientEmail: 'e@x', privateKey: ec })).toThrow(/ec key; Google service accounts use RSA keys/);
	});

	it('finds the project ID for request paths without checking the key', () => {
		expect(serviceAccountProject({ format: 'json', serviceAccountJson: JSON.stringify({ ...keyFile, private_key: 'x' }) })).toBe('shop-app-4821');
		expect(serviceAccountProject({ format: 'fields', projectId: 'other' })).toBe('other');
		expect(serviceAccountProject(undefined)).toBeUndefined();
	});
});

describe('tokenAssertion', () => {
	it('signs Google’s claims for an hour, with the key ID, as the token endpoint verifies them', () => {
		const account = serviceAccount({ format: 'json', serviceAccountJson: JSON.stringify(keyFile) });
		const now = Date.UTC(2026, 10, 22, 9, 30, 0, 750);
		const assertion = tokenAssertion(account, 'https://www.googleapis.com/auth/firebase.messaging', now);
		const [header, payload, signature] = assertion.split('.');
		expect(decode(header)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'a1b2c3d4e5' });
		expect(decode(payload)).toEqual({
			iss: keyFile.client_email,
			scope: 'https://www.googleapis.com/auth/firebase.messaging',
			aud: 'https://oauth2.googleapis.com/token',
			iat: 1795339800,
			exp: 1795339800 + 3600,
		});
		expect(createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
		expect(new URLSearchParams(tokenRequestBody(assertion)).get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
		expect(new URLSearchParams(tokenRequestBody(assertion)).get('assertion')).toBe(assertion);
	});
});

describe('request targets', () => {
	it('joins base URL and path as n8n’s HTTP client does, and compares endpoints', () => {
		expect(requestTarget('', 'https://oauth2.googleapis.com/token')).toBe('https://oauth2.googleapis.com/token');
		expect(requestTarget('/token', 'http://127.0.0.1:1234/')).toBe('http://127.0.0.1:1234/token');
		expect(requestTarget('https://a.example/x', 'https://b.example')).toBe('https://a.example/x');
		expect(sameEndpoint('HTTPS://OAuth2.googleapis.com/token/', GOOGLE_TOKEN_URL)).toBe(true);
		expect(sameEndpoint('https://fcm.googleapis.com/v1/projects/p/messages:send', GOOGLE_TOKEN_URL)).toBe(false);
	});
});
