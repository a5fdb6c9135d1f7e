// Six levels, all run by `npm test`: unit (engines, transport), node (in-process n8n executions),
// fuzz (hostile input), e2e (a real n8n 2.x started by the tests; see test/e2e/global-setup.ts;
// e2e-n8n1 a smoke run on n8n 1.123.x), queue (a queue-mode cluster).
const tsJest = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const base = { testEnvironment: 'node', transform: tsJest, moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
	projects: [
		{ ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...base, displayName: 'node', testMatch: ['<rootDir>/test/node/**/*.test.ts'] },
		// Hostile input for every node (fast-check, seeded): CK_FUZZ_SECONDS (60 by default) in all; see test/fuzz/harness.ts.
		{ ...base, displayName: 'fuzz', testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] },
		{
			...base,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			testEnvironment: '<rootDir>/test/e2e/environment.ts',
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
		// A smoke run on n8n 1.123.x (Node 22): every node once, every template in Simulate.
		{
			...base,
			displayName: 'e2e-n8n1',
			testMatch: ['<rootDir>/test/e2e-n8n1/**/*.test.ts'],
			testEnvironment: '<rootDir>/test/e2e/environment.ts',
			testEnvironmentOptions: { n8nHost: '1.123' },
			globalSetup: '<rootDir>/test/e2e-n8n1/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
		// Queue mode (main + workers + Redis + PostgreSQL), started by the test itself.
		{ ...base, displayName: 'queue', testMatch: ['<rootDir>/test/queue/**/*.test.ts'] },
	],
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
	testTimeout: 120_000,
	// Run in band on 2 cores, every file's leftovers (a handle an in-process n8n execution or a stand-in
	// leaves) add up in one process, and jest waited after a passing run instead of exiting (seen in
	// CI, 1,191 tests passed). End the process once the results are in; jest still names the problem.
	forceExit: true,
};
