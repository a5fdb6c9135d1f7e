// n8n's community-node rules (both plugins) on nodes, credentials and package.json, plus
// typescript-eslint's recommended rules on all TypeScript.
import n8nCommunity from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const community = n8nCommunity.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{ ignores: ['dist/**', '.bench/**', 'node_modules/**', 'host/**', '.n8n-dev/**', 'coverage/**'] },
	...tseslint.configs.recommended,
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...community.plugins },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			...n8nNodesBase.configs.credentials.rules,
			...community.rules,
			// A multi-service marketing package needs a few small runtime dependencies (jsonata, pg,
			// accurate distributions); each is named with its reason in the README.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// Superseded by the newer plugin's node-connection-type-literal, which asks for
			// NodeConnectionTypes.Main where this older rule asks for the string 'main'.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Superseded by credential-documentation-url, which asks community credentials for a URL
			// where this older rule asks for one of n8n's own documentation slugs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		// One clock (nodes/shared/clock.ts), so a test sets the time instead of depending on the hour.
		files: ['nodes/**/*.ts'],
		ignores: ['nodes/shared/clock.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{ selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Read the time with now() from nodes/shared/clock.ts.' },
				{ selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Read the time with nowDate() from nodes/shared/clock.ts.' },
			],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules, '@typescript-eslint/no-unused-expressions': 'off' },
	},
	{
		files: ['scripts/**/*.js', 'gulpfile.js', 'jest.config.js', 'test/**/*.js'],
		languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
);
