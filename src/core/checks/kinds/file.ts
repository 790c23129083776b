/**
 * The file kind: a file of the learner's lab folder exists (or not), parses as JSON, YAML or CSV, and
 * contains given texts or matches a pattern. Parse errors point at their line and column.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CouldNotRunError, outcome, type KindRunner, type SourceLocation } from '../types';

/** Where a text failed to parse, and why, in words for the learner. */
export interface ParseProblem {
  /** 1-based. */
  readonly line: number;
  /** 1-based, when known. */
  readonly column?: number;
  readonly reason: string;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}

function describeChar(char: string | undefined): string {
  if (char === undefined) return 'the end of the file';
  if (char === '\n' || char === '\r') return 'a line break';
  if (char === "'") return 'a single quote';
  return `'${char}'`;
}

/**
 * The first syntax error of a JSON text (RFC 8259, as JSON.parse reads it), or undefined when it is
 * valid. A leading byte-order mark is ignored.
 */
export function findJsonProblem(source: string): ParseProblem | undefined {
  const text = source.replace(/^\uFEFF/, '');
  const n = text.length;
  let i = 0;
  class Stop {
    constructor(
      readonly offset: number,
      readonly reason: string,
    ) {}
  }
  const fail: (reason: string, at?: number) => never = (reason, at = i) => {
    throw new Stop(at, reason);
  };
  const space = (): void => {
    while (i < n && ' \t\n\r'.includes(text[i] as string)) i += 1;
  };
  const string = (): void => {
    const start = i;
    i += 1;
    while (i < n) {
      const char = text[i] as string;
      if (char === '"') {
        i += 1;
        return;
      }
      if (char === '\\') {
        const escape = text[i + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('a \\u escape needs four hex digits');
          i += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) fail(`${describeChar(escape)} cannot follow a backslash in a string`, i);
        i += 2;
        continue;
      }
      if (char === '\n' || char === '\r') fail('a string runs past the end of its line: close the quote, or write \\n for a line break');
      if (char < ' ') fail('a string holds a control character: escape it');
      i += 1;
    }
    fail('a string is never closed', start);
  };
  const number = (): void => {
    const pattern = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    pattern.lastIndex = i;
    const match = pattern.exec(text);
    if (!match) fail(`${describeChar(text[i])} does not start a value`);
    else i += match[0].length;
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === undefined) fail('the file ends where a value should be');
    if (char === '{') {
      i += 1;
      space();
      if (text[i] === '}') {
        i += 1;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describeChar(text[i])}`);
        string();
        space();
        if (text[i] !== ':') fail(`expected ':' after the property name, found ${describeChar(text[i])}`);
        i += 1;
        value();
        space();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return;
        }
        fail(`expected ',' or '}' after the property value, found ${describeChar(text[i])}`);
      }
    }
    if (char === '[') {
      i += 1;
      space();
      if (text[i] === ']') {
        i += 1;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return;
        }
        fail(`expected ',' or ']' after the array element, found ${describeChar(text[i])}`);
      }
    }
    if (char === '"') return string();
    if (char === '-' || (char >= '0' && char <= '9')) return number();
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(`${describeChar(char)} does not start a value${char === "'" ? ' (JSON strings take double quotes)' : ''}`);
  };
  try {
    value();
    space();
    if (i < n) fail(`unexpected ${describeChar(text[i])} after the end of the JSON value`);
  } catch (error) {
    if (error instanceof Stop) return { ...lineAndColumn(text, error.offset), reason: error.reason };
    throw error;
  }
  try {
    JSON.parse(text);
  } catch (error) {
    // The scanner above and JSON.parse disagree: trust JSON.parse, and say what it says.
    return { line: 1, reason: (error as Error).message };
  }
  return undefined;
}

/** The first error of a YAML text (one or more documents), or undefined when it parses. */
export function findYamlProblem(text: string): ParseProblem | undefined {
  for (const document of parseAllDocuments(text)) {
    const error = document.errors[0];
    if (!error) continue;
    const reason = (error.message.split('\n')[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, '');
    const position = error.linePos?.[0];
    return position ? { line: position.line, column: position.col, reason } : { line: 1, reason };
  }
  return undefined;
}

/**
 * The first problem of a CSV text by RFC 4180: comma-separated fields, records ending with CRLF or LF,
 * fields with commas, quotes or line breaks in double quotes, quotes inside doubled, and every record
 * with as many fields as the first. Empty lines at the end are allowed.
 */
export function findCsvProblem(source: string): ParseProblem | undefined {
  const text = source.replace(/^\uFEFF/, '');
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let expected: number | undefined;
  const column = (): number => i - lineStart + 1;
  const lineBreak = (): boolean => {
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n' || text[i] === '\r') i += 1;
    else return false;
    line += 1;
    lineStart = i;
    return true;
  };
  while (i < n) {
    // Only line breaks left: the trailing empty lines of the file.
    if (/^[\r\n]*$/.test(text.slice(i))) break;
    const recordLine = line;
    const recordStart = i;
    let fields = 0;
    for (;;) {
      fields += 1;
      if (text[i] === '"') {
        const openLine = line;
        const openColumn = column();
        i += 1;
        for (;;) {
          if (i >= n) return { line: openLine, column: openColumn, reason: 'a quoted field is never closed' };
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              i += 2;
              continue;
            }
            i += 1;
            break;
          }
          if (!lineBreak()) i += 1;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          return { line, column: column(), reason: 'text after the closing quote of a field: a quote inside a quoted field must be doubled ("")' };
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') return { line, column: column(), reason: 'a quote inside an unquoted field: put the field in double quotes and double the quote ("")' };
          i += 1;
        }
      }
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      break;
    }
    if (expected === undefined) expected = fields;
    else if (fields !== expected) {
      if (i === recordStart) return { line: recordLine, reason: `an empty line in the middle of the file; every record needs ${expected} fields` };
      return { line: recordLine, reason: `this record has ${fields} field${fields === 1 ? '' : 's'}, but the first has ${expected}` };
    }
    lineBreak();
  }
  return undefined;
}

const PARSERS = { json: findJsonProblem, yaml: findYamlProblem, csv: findCsvProblem } as const;
const FORMAT_NAMES = { json: 'JSON', yaml: 'YAML', csv: 'CSV' } as const;

async function kindOf(path: string): Promise<'file' | 'folder' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

function quoted(texts: readonly string[]): string {
  return texts.map((text) => JSON.stringify(text)).join('\n');
}

/**
 * Runs a file check on `path` (relative to the lab folder). `expect.exists` false passes when there is no
 * such file; otherwise the file must exist, then parse as `expect.parses` (json, yaml or csv), contain
 * every text of `expect.contains`, and match `expect.matches`, a JavaScript regular expression applied to
 * the whole text exactly as `new RegExp(pattern)` does (no flags: ^ and $ are the ends of the file).
 */
export const runFileCheck: KindRunner<'file'> = async (check, context) => {
  const { exists, parses, contains, matches } = check.expect;
  const path = resolve(context.workDir, check.path);
  const found = await kindOf(path);
  if (exists === false) {
    return found === 'missing'
      ? outcome.passed(`${check.path} is not there, as expected.`)
      : outcome.failed(`${check.path} should not exist, but it does.`, { expected: `no ${check.path}`, actual: `a ${found} ${check.path}` });
  }
  if (found === 'missing') return outcome.failed(`${check.path} is not in the lab folder.`, { expected: `a file ${check.path}`, actual: 'no such file' });
  if (found === 'folder') return outcome.failed(`${check.path} is a folder, not a file.`, { expected: `a file ${check.path}`, actual: 'a folder' });

  let pattern: RegExp | undefined;
  if (matches !== undefined) {
    try {
      pattern = new RegExp(matches);
    } catch (error) {
      throw new CouldNotRunError(`the check's pattern is not a valid regular expression (${(error as Error).message}); this is a bug in the lab.`);
    }
  }
  const text = await readFile(path, 'utf8');
  const atStart: SourceLocation = { file: check.path, line: 1 };

  if (parses !== undefined) {
    const problem = PARSERS[parses](text);
    if (problem) {
      const where = `line ${problem.line}${problem.column !== undefined ? `, column ${problem.column}` : ''}`;
      return outcome.failed(`${check.path} is not valid ${FORMAT_NAMES[parses]}: ${where}: ${problem.reason}.`, {
        expected: `valid ${FORMAT_NAMES[parses]}`,
        actual: `${where}: ${problem.reason}`,
        location: { file: check.path, line: problem.line, ...(problem.column !== undefined ? { column: problem.column } : {}) },
      });
    }
  }
  if (contains !== undefined) {
    const missing = contains.filter((wanted) => !text.includes(wanted));
    if (missing.length > 0) {
      const present = contains.filter((wanted) => text.includes(wanted));
      return outcome.failed(`${check.path} does not contain ${missing.map((wanted) => JSON.stringify(wanted)).join(', ')}.`, {
        expected: quoted(contains),
        actual: present.length > 0 ? quoted(present) : '(none of them)',
        location: atStart,
      });
    }
  }
  if (pattern && !pattern.test(text)) {
    return outcome.failed(`${check.path} does not match the pattern the check looks for.`, {
      expected: `text matching /${pattern.source}/`,
      actual: 'no match',
      location: atStart,
    });
  }
  const what = [parses !== undefined ? `parses as ${FORMAT_NAMES[parses]}` : '', contains !== undefined ? 'has every text' : '', pattern ? 'matches' : '']
    .filter((part) => part)
    .join(', ');
  return outcome.passed(`${check.path} is there${what ? ` and ${what}` : ''}.`);
};
