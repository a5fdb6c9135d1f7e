export default async function globalTeardown() {
	const n8n = (globalThis as Record<string, unknown>).__CK_N8N__ as { stop(): Promise<void> } | undefined;
	await n8n?.stop();
}
