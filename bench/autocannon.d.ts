/** The part of autocannon 9's API the load benchmark uses (the package ships no types). */
declare module 'autocannon' {
	interface Histogram {
		average: number;
		p50: number;
		p99: number;
		max: number;
		total: number;
	}
	interface Result {
		requests: Histogram;
		latency: Histogram;
		throughput: Histogram;
		errors: number;
		timeouts: number;
		non2xx: number;
		statusCodeStats?: Record<string, { count: number }>;
	}
	interface Options {
		url: string;
		connections?: number;
		duration?: number;
		amount?: number;
		method?: string;
		headers?: Record<string, string>;
		body?: string;
		requests?: Array<{ setupRequest?: (request: Record<string, unknown>) => Record<string, unknown> }>;
	}
	function autocannon(options: Options): Promise<Result>;
	export = autocannon;
}
