/**
 * Splitting a SQL file into its statements the way psql does, so a learner's file runs statement by
 * statement and an error points at the right line. Understands strings ('' and E'\''), quoted
 * identifiers, dollar-quoted bodies, both kinds of comment (block comments nest), parentheses and
 * the BEGIN ATOMIC ... END bodies of SQL-standard functions.
 */

export interface SqlStatement {
  /** From the statement's first character that is not blank or a comment, up to (not including) its `;`. */
  readonly text: string;
  /** Where `text` starts in the file, in UTF-16 code units. */
  readonly startOffset: number;
  /** 1-based line of the statement's first character. */
  readonly line: number;
}

export interface LineAndColumn {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units (as editors count). */
  readonly column: number;
}

const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/y;
const WHITESPACE = /\s/;

// Character classes by code, not by regular expression: the scan looks at every character of files of
// tens of thousands of lines as the learner types.
function isLetter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128;
}

function isIdentStart(code: number): boolean {
  return isLetter(code);
}

function isIdentChar(code: number): boolean {
  return isLetter(code) || (code >= 48 && code <= 57) || code === 36;
}

function isWhitespace(code: number, character: string): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  return code >= 128 && WHITESPACE.test(character);
}

/** The end of a quoted string or identifier that opens at `open`; `backslash` for E'' strings. */
function endOfQuoted(text: string, open: number, quote: string, backslash: boolean): number {
  let i = open + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslash && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return text.length;
}

function endOfBlockComment(text: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return text.length;
}

/**
 * Splits `text` into statements on the semicolons that end them. Statements that are only blanks and
 * comments are dropped; a last statement without a semicolon counts.
 */
export function splitSqlStatements(text: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = -1;
  let parenDepth = 0;
  // psql's heuristic for CREATE [OR REPLACE] FUNCTION|PROCEDURE ... BEGIN ATOMIC ... END: semicolons
  // between BEGIN and its END do not end the statement.
  let beginDepth = 0;
  let wordCount = 0;
  let leadWords: string[] = [];

  // Lines counted as the scan goes, from the last statement's start: counting from the file's start for
  // each statement made a file of thousands of statements quadratic.
  let countedTo = 0;
  let countedLine = 1;
  const lineAt = (offset: number): number => {
    for (let index = countedTo; index < offset; index += 1) if (text.charCodeAt(index) === 10) countedLine += 1;
    countedTo = offset;
    return countedLine;
  };

  const finish = (end: number): void => {
    if (start >= 0) {
      statements.push({ text: text.slice(start, end).trimEnd(), startOffset: start, line: lineAt(start) });
    }
    start = -1;
    parenDepth = 0;
    beginDepth = 0;
    wordCount = 0;
    leadWords = [];
  };

  const inRoutineDefinition = (): boolean => {
    const [first, second, third, fourth] = leadWords;
    return first === 'c' && (second === 'f' || second === 'p' || (second === 'o' && third === 'r' && (fourth === 'f' || fourth === 'p')));
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    const next = text[i + 1];
    if (c === '-' && next === '-') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      i = endOfBlockComment(text, i);
      continue;
    }
    if (isWhitespace(text.charCodeAt(i), c)) {
      i += 1;
      continue;
    }
    if (c === ';' && parenDepth === 0 && beginDepth === 0) {
      finish(i);
      i += 1;
      continue;
    }
    if (start < 0) start = i;

    if (c === "'") {
      i = endOfQuoted(text, i, "'", false);
    } else if (c === '"') {
      i = endOfQuoted(text, i, '"', false);
    } else if (c === '$') {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(text)?.[0];
      if (tag === undefined) {
        i += 1; // a parameter like $1
      } else {
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? text.length : close + tag.length;
      }
    } else if (isIdentStart(text.charCodeAt(i))) {
      let end = i + 1;
      while (end < text.length && isIdentChar(text.charCodeAt(end))) end += 1;
      const routine = parenDepth === 0 && wordCount >= 2 && inRoutineDefinition();
      // Most words need no reading: only a string prefix, the first words and a routine's BEGIN/END do.
      const word = end - i === 1 || wordCount < 4 || routine ? text.slice(i, end).toLowerCase() : '';
      if ((word === 'e' || word === 'x' || word === 'b' || word === 'n') && text[end] === "'") {
        // E'...' understands backslash escapes; B'', X'' and N'' are ordinary strings.
        i = endOfQuoted(text, end, "'", word === 'e');
        continue;
      }
      if (wordCount < 4) leadWords.push(['create', 'function', 'procedure', 'or', 'replace'].includes(word) ? word.charAt(0) : '');
      wordCount += 1;
      if (parenDepth === 0 && inRoutineDefinition()) {
        if (word === 'begin') beginDepth += 1;
        else if (word === 'case' && beginDepth > 0) beginDepth += 1;
        else if (word === 'end' && beginDepth > 0) beginDepth -= 1;
      }
      i = end;
    } else if (c >= '0' && c <= '9') {
      let end = i + 1;
      while (end < text.length && (isIdentChar(text.charCodeAt(end)) || text.charCodeAt(end) === 46) && text.charCodeAt(end) !== 36) end += 1;
      i = end;
    } else {
      if (c === '(') parenDepth += 1;
      else if (c === ')' && parenDepth > 0) parenDepth -= 1;
      i += 1;
    }
  }
  finish(text.length);
  return statements;
}

/** The 1-based line and column of a UTF-16 offset in `text`. */
export function lineOfOffset(text: string, offset: number): LineAndColumn {
  const clamped = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < clamped; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: clamped - lineStart + 1 };
}

/**
 * Where in the file an error in `statement` lies. `position` is PostgreSQL's: 1-based, in characters
 * (code points) of the statement's text. Without one, the statement's own start.
 */
export function locateInStatement(source: string, statement: SqlStatement, position?: number): LineAndColumn {
  if (position === undefined || !Number.isFinite(position) || position < 1) return lineOfOffset(source, statement.startOffset);
  let offset = 0;
  let characters = 1;
  for (const character of statement.text) {
    if (characters >= position) break;
    offset += character.length;
    characters += 1;
  }
  return lineOfOffset(source, statement.startOffset + offset);
}

/** A line that names the statement after it. */
const MARKER = /^[ \t]*--[ \t]*(?:name|query):[ \t]*(\S+)[ \t]*$/;

export interface QueryMarker {
  readonly name: string;
  readonly line: number;
  /** Where the line starts and ends, in UTF-16 code units. */
  readonly start: number;
  readonly end: number;
}

/** Every `-- name:` / `-- query:` line of `source`, in file order. */
export function queryMarkers(source: string): QueryMarker[] {
  const markers: QueryMarker[] = [];
  let start = 0;
  source.split('\n').forEach((text, index) => {
    const match = MARKER.exec(text.replace(/\r$/, ''));
    if (match?.[1]) markers.push({ name: match[1], line: index + 1, start, end: start + text.length });
    start += text.length + 1;
  });
  return markers;
}
