// The in-host integration suite (@vscode/test-cli + @vscode/test-electron). It downloads VS Code, so it
// runs only where that is possible: `npm run test:integration`. On machines without downloads the same
// behaviour is proven in the browser VS Code by `npm run test:e2e`.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig({
  label: 'integration',
  files: 'out/integration/**/*.integration.test.js',
  version: 'stable',
  workspaceFolder: 'test/integration/fixtures/workspace',
  launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  mocha: { ui: 'bdd', timeout: 30_000 },
});
