import { analyzeExperiment, resolveSettings } from '../../nodes/AbTest/engine/analyze';
it('t', () => {
	for (const [m, sd] of [[10, 1e308], [1e308, 1], [10, 1e154], [10, 1e150], [1e200, 1e200], [10,1e100], [-1e308, 1], [1e100,1e100]]) {
		const rows = analyzeExperiment({ arms: [{ name: 'A', visitors: 1000, mean: 10, sd: 5 }, { name: 'B', visitors: 1000, mean: m, sd }] }, resolveSettings({ metric: 'continuous' }));
		const bad = rows.flatMap((r) => Object.entries(r).filter(([, v]) => typeof v === 'number' && !Number.isFinite(v)).map(([k, v]) => `${r.arm}.${k}=${v}`));
		console.log(m, sd, bad.join(' '), rows[1].summary);
	}
});
