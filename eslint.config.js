import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bench/results/**', 'out/**', '.wwebjs*/**', 'data/**', '.puppeteerrc.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // User-facing text must come from locales; console output goes through the logger or a channel.
      'no-console': 'off',
    },
  },
);
