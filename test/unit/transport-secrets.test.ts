/**
 * No fragment of a secret survives the transport. Each provider's real credential type signs real
 * requests (through n8n-core's httpRequestWithAuthentication) to a stand-in that answers with an
 * error echoing what it received, in every shape providers use (JSON, text, HTML, a header echo,
 * base64, URL-encoded) and cut at every offset across the secret, also so that the secret straddles
 * the 500-character cut of long text answers. Every view of every error (message, description, the
 * stored JSON, util.inspect) and every log line is searched for any 8-character run of a secret,
 * also after URL-decoding and base64-decoding at every alignment.
 */
import { inspect } from 'node:util';

import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';

import { createTransport } from '../../nodes/shared/transport';
import { runWorkflow, singleNode } from '../helpers/n8n';
import { StandInServer, type RecordedRequest, type Reply } from '../stand-ins/server';

const FRAGMENT = 8;

interface Case {
	credentialType: string;
	credentials: ICredentialDataDecryptedObject;
	/** The values that must not leak, not even 8 characters of them. */
	secrets: string[];
	/** The user part of the Basic credential, when there is one. */
	user?: string;
}

const CASES: Record<string, Case> = {
	// Twilio: Basic `AccountSid:AuthToken`; the leak was this credential echoed as raw base64.
	twilio: {
		credentialType: 'campaignKitTwilioApi',
		credentials: { accountSid: 'AC3f9a1c2b7d4e6f80a1b2c3d4e5f60718', authType: 'authToken', authToken: '9b1e4c7a2d5f8e0b3c6a9d2f5e8b1c4a' },
		secrets: ['9b1e4c7a2d5f8e0b3c6a9d2f5e8b1c4a'],
		user: 'AC3f9a1c2b7d4e6f80a1b2c3d4e5f60718',
	},
	// SendGrid: `Authorization: Bearer SG.…`, with characters that URL-encoding and base64url change.
	sendgrid: {
		credentialType: 'campaignKitSendGridApi',
		credentials: { apiKey: 'SG.q7Xk2Lp9Rt4Vw8Yz1Bc5Df.Hj3Mn6Qs0Uv+Wx2Za/4Ce8Gi1Kl5Oo9St7Uy3Ab6' },
		secrets: ['SG.q7Xk2Lp9Rt4Vw8Yz1Bc5Df.Hj3Mn6Qs0Uv+Wx2Za/4Ce8Gi1Kl5Oo9St7Uy3Ab6'],
	},
	// Mailchimp: Basic with a fixed user name the credential does not hold.
	mailchimp: {
		credentialType: 'campaignKitMailchimpApi',
		credentials: { apiKey: '4f8e2a6c0b9d3e7f1a5c8b2e6d0f4a9c-us21' },
		secrets: ['4f8e2a6c0b9d3e7f1a5c8b2e6d0f4a9c-us21'],
		user: 'campaign-kit',
	},
};

/** What the stand-in echoes, from the request it received. */
function echoes(request: RecordedRequest, secret: string, user: string | undefined): Record<string, string> {
	const header = String(request.headers.authorization ?? '');
	const token = header.replace(/^\S+\s+/, '');
	const pair = user ? `${user}:${secret}` : secret;
	return {
		header: `Authorization: ${header}`,
		secret,
		base64: user ? token : Buffer.from(secret).toString('base64'),
		base64url: Buffer.from(pair).toString('base64url'),
		url: encodeURIComponent(secret),
		urlPair: encodeURIComponent(pair),
	};
}

/** The provider's answer in one shape, its text cut to `cut` characters (whole when undefined). */
function answer(shape: string, echo: string, pad: string, cut: number | undefined): Reply {
	const said = `${pad}Authentication failed for ${echo} (check your credentials)`;
	const texts: Record<string, { text: string; type: string; headers?: Record<string, string> }> = {
		sendgridJson: { text: JSON.stringify({ errors: [{ message: said, field: null, help: null }] }), type: 'application/json' },
		twilioJson: {
			text: JSON.stringify({ code: 20003, message: said, more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 }),
			type: 'application/json',
		},
		metaJson: { text: JSON.stringify({ error: { message: said, type: 'OAuthException', code: 190, fbtrace_id: 'AbC' } }), type: 'application/json' },
		text: { text: said, type: 'text/plain' },
		html: { text: `<!DOCTYPE html><html><body><h1>401</h1><p>${said}</p></body></html>`, type: 'text/html' },
		headerEcho: { text: JSON.stringify({ message: 'Unauthorized', echo: said }), type: 'application/json', headers: { 'x-echo': said.slice(0, 4000) } },
	};
	const { text, type, headers } = texts[shape];
	return { status: 401, headers: { 'content-type': type, ...headers }, body: cut === undefined ? text : text.slice(0, cut) };
}

/** Every string a view could reveal a secret through: as it is, URL-decoded, and base64-decoded. */
function decodings(view: string): string[] {
	const out = [view, view.replace(/%[0-9A-Fa-f]{2}/g, (escape) => String.fromCharCode(parseInt(escape.slice(1), 16)))];
	for (const run of view.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
		for (let shift = 0; shift < 4; shift++) out.push(Buffer.from(run.slice(shift).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
	}
	return out;
}

function leaksIn(view: string, secrets: string[]): string[] {
	const fragments = new Set(secrets.flatMap((secret) => Array.from({ length: secret.length - FRAGMENT + 1 }, (_, i) => secret.slice(i, i + FRAGMENT))));
	const found = new Set<string>();
	for (const text of decodings(view)) {
		for (let i = 0; i + FRAGMENT <= text.length; i++) if (fragments.has(text.slice(i, i + FRAGMENT))) found.add(text.slice(i, i + FRAGMENT));
	}
	return [...found];
}

const logged: string[] = [];
const capture = (level: string) => (message: string, metadata?: object) => void logged.push(`${level} ${message} ${JSON.stringify(metadata)}`);
LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') } as never);

/** A test-only node that sends `requests` through the transport and outputs every view of every error. */
function probeNode(credentialType: string, requests: IDataObject[]): INodeType {
	return {
		description: {
			displayName: 'Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'Sends requests through the transport and reports the errors',
			defaults: { name: 'Probe' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: credentialType, required: true }],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const api = createTransport(this, { credentialType, defaultBaseUrl: 'http://default.invalid', provider: 'Probe', maxAttempts: 1 });
			const out: INodeExecutionData[] = [];
			for (const qs of requests) {
				try {
					await api.request({ url: '/v1/echo', qs });
					out.push({ json: { qs, views: ['no error'] } });
				} catch (error) {
					const e = error as Error & { description?: string };
					out.push({ json: { qs, views: [e.message, String(e.description), JSON.stringify(e), inspect(e, { depth: null, showHidden: true })] } });
				}
			}
			return [out];
		},
	} as unknown as INodeType;
}

const server = new StandInServer();

beforeAll(async () => {
	await server.start();
});

afterAll(async () => await server.stop());

const SHAPES = ['sendgridJson', 'twilioJson', 'metaJson', 'text', 'html', 'headerEcho'];
const CUT_SHAPES = ['sendgridJson', 'text', 'html', 'headerEcho'];

describe.each(Object.keys(CASES))('no fragment of a %s secret survives the transport', (name) => {
	const { credentialType, credentials, secrets, user } = CASES[name];

	it('in any error shape, any encoding, cut at any offset, and across the 500-character cut', async () => {
		server.route('GET', '/v1/echo', (request) => {
			const { shape, echo, cut, pad } = request.query as Record<string, string>;
			const echoed = echoes(request, secrets[0], user)[echo];
			return answer(shape, echoed, 'x'.repeat(Number(pad)), cut === '' ? undefined : Number(cut));
		});
		const sample = echoes({ headers: { authorization: 'Basic '.concat(Buffer.from(`${user ?? ''}:${secrets[0]}`).toString('base64')) } } as never, secrets[0], user);
		const requests: IDataObject[] = [];
		for (const shape of SHAPES) {
			for (const [echo, text] of Object.entries(sample)) {
				const echoed = text.length + 2; // every cut inside the echo, and just past it
				const start = answer(shape, '\u0000', '', undefined).body as string;
				const at = start.indexOf('\u0000') === -1 ? start.indexOf('\\u0000') : start.indexOf('\u0000');
				requests.push({ shape, echo, cut: '', pad: 0 });
				// Cut by the provider at every offset across the echo (the JSON shapes differ only in where the message sits).
				if (CUT_SHAPES.includes(shape)) for (let cut = at; cut <= at + echoed; cut++) requests.push({ shape, echo, cut, pad: 0 });
				// Long enough that the transport's own 500-character cut (of text answers) falls at every offset of the echo.
				if (shape === 'text') {
					const before = 'Authentication failed for '.length;
					for (let pad = 500 - before - text.length - 1; pad <= 500 - before + 1; pad++) requests.push({ shape, echo, cut: '', pad });
				}
			}
		}
		logged.length = 0;
		const result = await runWorkflow(singleNode('test.probe', {}, [{}], { credentials: { [credentialType]: { id: '1', name: 'Probe account' } } }), {
			nodeTypes: { 'test.probe': probeNode(credentialType, requests) },
			credentials: { [credentialType]: { ...credentials, baseUrl: server.url } },
		});
		const items = result.output('Node').map((item) => item.json as { qs: IDataObject; views: string[] });
		expect(items).toHaveLength(requests.length);
		const leaks: string[] = [];
		for (const { qs, views } of items) {
			for (const view of views) {
				const found = leaksIn(view, secrets);
				if (found.length) leaks.push(`${JSON.stringify(qs)}: ${found.join(', ')} in ${view.slice(0, 300)}`);
			}
		}
		for (const line of logged) {
			const found = leaksIn(line, secrets);
			if (found.length) leaks.push(`log: ${found.join(', ')} in ${line.slice(0, 300)}`);
		}
		expect(leaks.slice(0, 5)).toEqual([]); // the first few, readable
		// The answers reached the transport: every request got the provider's 401.
		expect(items.every(({ views }) => views[0] !== 'no error')).toBe(true);
		expect(requests.length).toBeGreaterThan(1000);
	}, 120_000);
});
