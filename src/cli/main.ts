/**
 * The command-line side of Data Engineering Labs: `npx data-eng-labs <command>`. It uses core/ only, so
 * it runs in a learner's terminal or CI with no VS Code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { formatSql } from '../core/sqlFormat';
import { DEFAULT_SETTINGS, type KeywordCase } from '../core/settings';
import packageJson from '../../package.json';
import { CHECK_USAGE, checkCommand } from './check';
import type { CliIO } from './io';

const USAGE = `Usage: data-eng-labs <command> [options]

Commands:
${CHECK_USAGE}  format <file.sql> [--write | --check] [--keyword-case upper|lower|preserve] [--tab-width N]
        Print the file formatted as PostgreSQL (or rewrite it with --write).
        With --check, print nothing and exit 1 when the file is not formatted.

Options:
  --help       Show this help.
  --version    Print the version.
`;

export type { CliIO } from './io';

function optionValue(args: string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function formatCommand(args: string[], io: CliIO): Promise<number> {
  const file = args.find((arg, index) => !arg.startsWith('--') && !['--keyword-case', '--tab-width'].includes(args[index - 1] ?? ''));
  if (!file) {
    io.err('data-eng-labs format: name a .sql file.\n');
    return 2;
  }
  const keywordCase = optionValue(args, '--keyword-case') ?? DEFAULT_SETTINGS.sqlKeywordCase;
  if (!['upper', 'lower', 'preserve'].includes(keywordCase)) {
    io.err(`data-eng-labs format: --keyword-case must be upper, lower or preserve, not "${keywordCase}".\n`);
    return 2;
  }
  const tabWidth = Number(optionValue(args, '--tab-width') ?? '2');
  if (!Number.isInteger(tabWidth) || tabWidth < 1 || tabWidth > 8) {
    io.err('data-eng-labs format: --tab-width must be a whole number from 1 to 8.\n');
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.err(`data-eng-labs format: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`);
    return 2;
  }
  let formatted: string;
  try {
    formatted = formatSql(text, { keywordCase: keywordCase as KeywordCase, tabWidth, useTabs: false });
  } catch (error) {
    io.err(`data-eng-labs format: ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (args.includes('--check')) {
    if (formatted === text) return 0;
    io.err(`${file} is not formatted.\n`);
    return 1;
  }
  if (args.includes('--write')) {
    if (formatted !== text) await writeFile(file, formatted);
    return 0;
  }
  io.out(formatted);
  return 0;
}

export async function runCli(args: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.out(`${packageJson.version}\n`);
    return 0;
  }
  if (command === 'format') return formatCommand(rest, io);
  if (command === 'check') return checkCommand(rest, io);
  io.err(`data-eng-labs: unknown command "${command}".\n\n${USAGE}`);
  return 2;
}

if (require.main === module) {
  runCli(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`data-eng-labs: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    });
}
