export default async function globalTeardown() {
	const running = ((globalThis as Record<string, unknown>).__CK_N8N__ ?? []) as Array<{ stop(): Promise<void> }>;
	await Promise.all(running.map((n8n) => n8n.stop()));
}
