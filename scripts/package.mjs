// npm run package: a release build, then a .vsix with @vscode/vsce. The bundles carry every dependency,
// so node_modules is not packaged (--no-dependencies).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const vsixPath = join(root, `${name}-${version}.vsix`);

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  run([join(root, 'scripts/build.mjs'), '--release']);
  // The repository's README shows screenshots and links files by relative path, which vsce can only
  // resolve against a public repository URL; the packaged README is the same text without the images,
  // with relative links as plain text.
  const readme = join(root, 'out', 'README.md');
  mkdirSync(dirname(readme), { recursive: true });
  writeFileSync(readme, readFileSync(join(root, 'README.md'), 'utf8').split('\n').filter((line) => !line.startsWith('![')).join('\n').replace(/\[([^\]]+)\]\((?!https?:|#)[^)]+\)/g, '$1'));
  const vsce = createRequire(import.meta.url).resolve('@vscode/vsce/vsce');
  run([vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--readme-path', relative(root, readme), '--out', vsixPath]);
  console.log(vsixPath);
}
