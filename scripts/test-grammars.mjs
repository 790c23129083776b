// npm run test:grammars (a step of npm test): the TextMate grammars in syntaxes/, with
// vscode-tmgrammar-test's assertion files and the node:test file that tokenizes with vscode-textmate.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const result = spawnSync('npm', ['run', '--silent', 'test:grammars'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
