/**
 * The welcome series the queue-mode test runs, in the shape a journey must have to survive a
 * killed worker in n8n 2.40 (see README "Queue mode"):
 *
 *   Webhook (signup, answered when the series has run) → Welcome email → Wait → Tips email → Done
 *
 * templates/welcome-series.json is not run here as it ships: its signup webhook answers at once
 * (a killed worker's executions are then gone with nobody to post the signup again), and its
 * Audience Guard would count a re-posted signup's own first attempt against the 1-a-day cap.
 *
 * Each email node's Skipped output leads on like Sent: a re-run of a crashed execution finds the
 * welcome email in the node's send history ("already sent") and must still reach the tips email.
 */
import { randomUUID } from 'node:crypto';

export const PREFIX = 'n8n-nodes-campaign-kit';

export const SUBJECTS = { welcome: 'Welcome aboard', tips: 'Three tips for your first week' };

interface Node {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
}

export interface Workflow {
	name: string;
	nodes: Node[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export interface WelcomeSetup {
	/** The SendGrid credential the email nodes use. */
	credential: { id: string; name: string };
	/** The signup webhook's path. */
	path: string;
	/** Seconds each Wait node waits (short waits stay in the worker's process: under 65 s). */
	waitSeconds: number;
	/** n8n's Postgres credential for Send History: In Postgres (n8n's own store when absent). */
	history?: { id: string; name: string };
}

/** Points a channel node's send history at Postgres when the setup has a credential for it. */
function useHistory(node: Node, history: WelcomeSetup['history']) {
	if (!history) return;
	node.parameters.sendHistory = 'postgres';
	node.credentials = { ...node.credentials, postgres: history };
}

function email(name: string, subject: string, { credential, history }: WelcomeSetup, x: number): Node {
	const node: Node = {
		id: randomUUID(),
		name,
		type: `${PREFIX}.email`,
		typeVersion: 1,
		position: [x, 0],
		parameters: {
			provider: 'sendGrid',
			to: '={{ $json.body ? $json.body.email : $json.email }}',
			fromEmail: 'hello@brand.example',
			fromName: 'Brand',
			subject,
			html: `<p>${subject}</p>`,
			options: {},
		},
		credentials: { campaignKitSendGridApi: credential },
	};
	useHistory(node, history);
	return node;
}

/** The built-in shape: signup → welcome → wait → tips. */
export function builtWorkflow(setup: WelcomeSetup): Workflow {
	const { path: hookPath, waitSeconds } = setup;
	const nodes: Node[] = [
		{
			id: randomUUID(),
			name: 'Signup',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: randomUUID(),
			// Answered when the series has run: a signup whose run was lost gets an error, and is posted again.
			parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', options: {} },
		},
		email('Welcome email', SUBJECTS.welcome, setup, 220),
		{
			id: randomUUID(),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [440, 0],
			webhookId: randomUUID(),
			parameters: { resume: 'timeInterval', amount: waitSeconds, unit: 'seconds' },
		},
		email('Tips email', SUBJECTS.tips, setup, 660),
		// The webhook answers with this node's item: there is one whether the tips email went now or before.
		{ id: randomUUID(), name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [880, 0], parameters: {} },
	];
	const to = (node: string) => [{ node, type: 'main', index: 0 }];
	return {
		name: 'queue: welcome series',
		nodes,
		connections: {
			Signup: { main: [to('Welcome email')] },
			// Sent and Skipped (already sent, on a re-run) both lead on; Failed ends the series.
			'Welcome email': { main: [to('Wait'), to('Wait'), []] },
			Wait: { main: [to('Tips email')] },
			'Tips email': { main: [to('Done'), to('Done'), []] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** The workflow the queue test runs, and the subjects each contact should receive, in order. */
export function loadWorkflow(setup: WelcomeSetup): { workflow: Workflow; subjects: string[]; source: string } {
	return { workflow: builtWorkflow(setup), subjects: [SUBJECTS.welcome, SUBJECTS.tips], source: 'the welcome series\' queue-mode shape (built here)' };
}
