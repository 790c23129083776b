// Bundles every runtime target with esbuild: the extension host, the lazily loaded
// language client, the language server, the CLI and one bundle per webview.
//   node scripts/build.mjs            development build (source maps, not minified)
//   node scripts/build.mjs --release  minified; maps are still written but .vscodeignore keeps them out of the .vsix
//   node scripts/build.mjs --watch    rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const release = process.argv.includes('--release');
const watch = process.argv.includes('--watch');

/** Webviews are discovered, one folder with a main.ts each, so adding one needs no change here. */
export function webviewEntries(dir = join(root, 'webviews')) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'main.ts')))
    .map((entry) => ({ name: entry.name, entry: join(dir, entry.name, 'main.ts') }));
}

const common = {
  bundle: true,
  minify: release,
  // Release maps are written beside the bundles without a sourceMappingURL comment; .vscodeignore keeps them out of the .vsix.
  sourcemap: release ? 'external' : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.DELABS_RELEASE': JSON.stringify(release ? 'true' : 'false') },
  metafile: true,
};

/**
 * mermaid is megabytes: the checks bundle and the CLI load it from its own bundle, dist/mermaid.js,
 * instead of each carrying a copy.
 */
const mermaidExternal = {
  name: 'mermaid-runtime-external',
  setup(build) {
    build.onResolve({ filter: /\/mermaidRuntime$/ }, () => ({ path: './mermaid.js', external: true }));
  },
};

/**
 * The embedded PostgreSQL is an ES module of its own, dist/embeddedPostgres.mjs, with PGlite's WebAssembly
 * and data files beside it (PGlite finds them from import.meta.url); the CLI and the host import it.
 */
const embeddedPostgresExternal = {
  name: 'embedded-postgres-external',
  setup(build) {
    build.onResolve({ filter: /\/services\/embeddedPostgres$/ }, () => ({ path: './embeddedPostgres.mjs', external: true }));
  },
};
const PGLITE_FILES = ['pglite.wasm', 'pglite.data', 'initdb.wasm'];

/** The Kafka client is a bundle of its own too, dist/kafka.js: the checks, the CLI and the lag chart share it. */
const kafkaExternal = {
  name: 'kafka-runtime-external',
  setup(build) {
    build.onResolve({ filter: /\/kafka\/kafkaRuntime$/ }, () => ({ path: './kafka.js', external: true }));
  },
};

const nodeTarget = { ...common, platform: 'node', format: 'cjs', target: 'node18', mainFields: ['module', 'main'] };

export const targets = [
  {
    ...nodeTarget,
    entryPoints: { extension: join(root, 'src/extension/extension.ts') },
    outdir: join(root, 'dist'),
    external: ['vscode'],
    // Taken before and after the bundled modules run, so the activation figure includes module evaluation.
    banner: { js: 'globalThis.__delabsModuleStart = performance.now();' },
    footer: { js: 'globalThis.__delabsModuleEnd = performance.now();' },
  },
  {
    ...nodeTarget,
    entryPoints: { sqlLanguageClient: join(root, 'src/extension/languageClient/sqlLanguageClient.ts') },
    outdir: join(root, 'dist'),
    external: ['vscode'],
  },
  {
    ...nodeTarget,
    entryPoints: { catalog: join(root, 'src/extension/labs/catalogBundle.ts') },
    outdir: join(root, 'dist'),
  },
  {
    ...nodeTarget,
    entryPoints: { checks: join(root, 'src/extension/checks/checksBundle.ts') },
    outdir: join(root, 'dist'),
    // pg's optional native binding: never installed, and pg falls back to its JavaScript client.
    external: ['pg-native'],
    plugins: [mermaidExternal, kafkaExternal],
  },
  {
    ...nodeTarget,
    entryPoints: { diagrams: join(root, 'src/extension/diagrams/diagramsBundle.ts') },
    outdir: join(root, 'dist'),
  },
  {
    ...nodeTarget,
    entryPoints: { docker: join(root, 'src/extension/services/dockerBundle.ts') },
    outdir: join(root, 'dist'),
    // ssh2 (for ssh:// Docker hosts) tries two optional native modules and works without them.
    external: ['cpu-features', '*.node'],
  },
  {
    ...nodeTarget,
    entryPoints: { mermaid: join(root, 'src/core/checks/kinds/mermaidRuntime.ts') },
    outdir: join(root, 'dist'),
  },
  {
    ...nodeTarget,
    entryPoints: { kafka: join(root, 'src/core/kafka/kafkaRuntime.ts') },
    outdir: join(root, 'dist'),
    // The client's optional native speed-ups (CRC32, Snappy, LZ4): it falls back to JavaScript without them.
    external: ['@node-rs/*', 'snappy', 'lz4-napi'],
    // The client is ES modules that ask import.meta.url for createRequire; in this CommonJS bundle it is the bundle's own URL.
    define: { ...common.define, 'import.meta.url': '__delabsImportMetaUrl' },
    // Its WebAssembly (CRC32C, LZ4, Snappy) inside the bundle, instead of a file it would look for beside it.
    alias: { '@platformatic/wasm-utils': '@platformatic/wasm-utils/bundled' },
    banner: { js: "const __delabsImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  },
  {
    ...nodeTarget,
    entryPoints: { server: join(root, 'src/server/server.ts') },
    outdir: join(root, 'dist'),
  },
  {
    ...nodeTarget,
    entryPoints: { cli: join(root, 'src/cli/main.ts') },
    outdir: join(root, 'dist'),
    external: ['pg-native'],
    plugins: [mermaidExternal, embeddedPostgresExternal, kafkaExternal],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    entryPoints: { embeddedPostgres: join(root, 'src/core/services/embeddedPostgres.ts') },
    outdir: join(root, 'dist'),
    outExtension: { '.js': '.mjs' },
    // esbuild's ESM output has no require(); some of PGlite's Node code calls it.
    banner: { js: "import { createRequire as __delabsCreateRequire } from 'node:module'; const require = __delabsCreateRequire(import.meta.url);" },
  },
  ...webviewEntries().map(({ name, entry }) => ({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: ['chrome114'],
    entryPoints: { [name]: entry },
    outdir: join(root, 'dist/webviews'),
  })),
];

/** The lab manifest's JSON Schema, from the zod schema in src/core (its one source of truth), for editors. */
function writeLabJsonSchema() {
  const script = "const { labJsonSchema } = require('./src/core/labs/labSchema.ts'); process.stdout.write(JSON.stringify(labJsonSchema(), null, 2));";
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Exporting the lab JSON Schema failed:\n${result.stderr}`);
  writeFileSync(join(root, 'dist/lab.schema.json'), `${result.stdout}\n`);
  console.log(`${(result.stdout.length / 1024).toFixed(1).padStart(8)} KiB  dist/lab.schema.json`);
}

async function main() {
  if (!watch) rmSync(join(root, 'dist'), { recursive: true, force: true });
  mkdirSync(join(root, 'dist'), { recursive: true });
  if (watch) {
    const contexts = await Promise.all(targets.map((options) => esbuild.context(options)));
    await Promise.all(contexts.map((context) => context.watch()));
    console.log(`watching ${contexts.length} bundles`);
    return;
  }
  const results = await Promise.all(targets.map((options) => esbuild.build(options)));
  const outputs = {};
  for (const result of results) {
    for (const [file, info] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.map')) outputs[file] = info.bytes;
    }
  }
  writeFileSync(join(root, 'dist/bundles.json'), JSON.stringify({ release, outputs }, null, 2));
  writeLabJsonSchema();
  for (const file of PGLITE_FILES) copyFileSync(join(root, 'node_modules/@electric-sql/pglite/dist', file), join(root, 'dist', file));
  // The PostgreSQL parser's WebAssembly, found beside the bundle that loads it (its __dirname).
  copyFileSync(join(root, 'node_modules/libpg-query/wasm/libpg-query.wasm'), join(root, 'dist/libpg-query.wasm'));
  // A webview's stylesheet, webviews/<name>/<name>.css, goes beside its bundle, after the CSS of the
  // libraries it imports (which esbuild wrote there as <name>.css).
  for (const { name } of webviewEntries()) {
    const css = join(root, 'webviews', name, `${name}.css`);
    const target = join(root, 'dist/webviews', `${name}.css`);
    if (!existsSync(css)) continue;
    const imported = existsSync(target) ? `${readFileSync(target, 'utf8')}\n` : '';
    writeFileSync(target, `${imported}${readFileSync(css, 'utf8')}`);
  }
  for (const [file, bytes] of Object.entries(outputs)) console.log(`${(bytes / 1024).toFixed(1).padStart(8)} KiB  ${file}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
