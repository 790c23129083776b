/**
 * Syntax errors of a SQL file by the real PostgreSQL parser (libpg-query), every statement checked, in
 * about the time the parser takes to read the file once. The parser reports only its first error, and
 * building the parse tree's JSON costs twenty times the parse itself; so the file is parsed with a
 * sentinel, a `)` after a final `;`, that can never parse: an error at the sentinel means everything
 * before it parsed, and no tree is ever built. An error before it is the first real one; the parse
 * starts again after that error's statement, until the sentinel is reached.
 */
import { splitSqlStatements, type SqlStatement } from '../checks/postgres/statements';

/** The parse function of libpg-query (sync, once its WebAssembly module is loaded): SQL in, parse tree out. */
export type SqlParse = (sql: string) => unknown;

export interface SqlSyntaxError {
  /** Where the error is in the text (UTF-16 offset), and how long the token there is. */
  readonly offset: number;
  readonly length: number;
  /** PostgreSQL's message: `syntax error at or near ","`. */
  readonly message: string;
  /** The statement it is in. */
  readonly statement: SqlStatement;
}

/** Ends any last statement and any line comment, then cannot parse. */
const SENTINEL = '\n;\n)';

interface ParserError {
  readonly message: string;
  /** 0-based, in characters (code points) of the text parsed. */
  readonly cursor: number;
}

function parserError(error: unknown): ParserError {
  const details = (error as { sqlDetails?: { cursorPosition?: unknown; message?: unknown } } | null)?.sqlDetails;
  const raw = typeof details?.message === 'string' ? details.message : error instanceof Error ? error.message : String(error);
  // An unterminated string or comment runs into the sentinel, which PostgreSQL then quotes: not the learner's text.
  const message = raw.split(SENTINEL).join('');
  return { message, cursor: typeof details?.cursorPosition === 'number' ? details.cursorPosition : 0 };
}

/** The UTF-16 offset of the `characters`-th code point of `text` (they are the same without astral characters). */
function utf16Offset(text: string, characters: number, astral: boolean): number {
  if (!astral) return characters;
  let offset = 0;
  for (let seen = 0; seen < characters && offset < text.length; seen += 1) offset += (text.codePointAt(offset) ?? 0) > 0xffff ? 2 : 1;
  return offset;
}

/** The token at `offset`, as long as PostgreSQL's "at or near" quotes it, else up to the end of the word or line. */
function tokenLength(text: string, offset: number, message: string): number {
  const near = /at or near "([\s\S]*)"$/.exec(message)?.[1];
  if (near && text.startsWith(near, offset)) return Math.max(1, near.length);
  const rest = text.slice(offset, offset + 200);
  const word = /^[A-Za-z0-9_$]+|^[^\n]/.exec(rest)?.[0] ?? '';
  return Math.max(1, word.length);
}

export function sqlSyntaxErrors(text: string, parse: SqlParse, statements: readonly SqlStatement[] = splitSqlStatements(text)): SqlSyntaxError[] {
  const errors: SqlSyntaxError[] = [];
  const astral = /[\uD800-\uDFFF]/.test(text);
  let from = 0;
  while (from < statements.length) {
    const base = statements[from]?.startOffset ?? 0;
    const chunk = `${text.slice(base)}${SENTINEL}`;
    let failure: ParserError;
    try {
      parse(chunk);
      return errors;
    } catch (error) {
      failure = parserError(error);
    }
    const offset = base + utf16Offset(chunk, failure.cursor, astral);
    // At (or past) the sentinel: everything from `base` on parsed.
    if (offset >= text.length + SENTINEL.length - 1) return errors;
    let index = from;
    while (index + 1 < statements.length && (statements[index + 1]?.startOffset ?? Infinity) <= offset) index += 1;
    const statement = statements[index] ?? statements[from];
    if (!statement) return errors;
    const at = Math.min(offset, text.length);
    errors.push({ offset: at, length: Math.min(tokenLength(text, at, failure.message), Math.max(1, text.length - at)), message: failure.message, statement });
    from = index + 1;
  }
  return errors;
}
