import * as path from 'node:path';

/**
 * Loads one of the extension's own lazily loaded bundles (scripts/build.mjs makes them) on first use.
 * A runtime require of a separate file, on purpose: esbuild must not inline heavy libraries into the
 * host bundle, which VS Code evaluates at activation.
 */
export function requireBundle<T>(name: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(__dirname, `${name}.js`)) as T;
}
