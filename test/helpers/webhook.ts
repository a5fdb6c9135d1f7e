/** n8n's response object as a trigger's webhook() writes to it: what it answered is kept in `into`. */
export interface Sent {
	status?: number;
	sent?: unknown;
}

export function fakeResponse(into: Sent) {
	const response = {
		status(code: number) {
			into.status = code;
			return response;
		},
		json(data: unknown) {
			into.sent = data;
			return response;
		},
		send(data: unknown) {
			into.sent = data;
			return response;
		},
	};
	return response;
}
