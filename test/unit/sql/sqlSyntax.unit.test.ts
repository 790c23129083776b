/**
 * Syntax errors by the real PostgreSQL parser, every statement of a file checked: the error's place and
 * token, several errors in one file, errors at the end, in strings and comments, and astral characters.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadSqlParser } from '../../../src/core/er/pgParser';
import { sqlSyntaxErrors, type SqlParse } from '../../../src/core/sql/sqlSyntax';

let parse: SqlParse;
before(async () => {
  parse = await loadSqlParser();
});

/** Each error as `line:column-length message`, as an editor would underline it. */
function errorsOf(text: string): string[] {
  return sqlSyntaxErrors(text, parse).map((error) => {
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - before.lastIndexOf('\n');
    return `${line}:${column}-${error.length} ${error.message}`;
  });
}

describe('SQL syntax errors', () => {
  it('finds none in a file that parses, with comments, strings, dollar quotes and no final semicolon', () => {
    assert.deepEqual(errorsOf("-- a comment\ncreate table t (id int primary key, note text default 'a;b');\ncreate function f() returns int language sql as $$ select 1; $$;\nselect * from t -- trailing comment"), []);
  });

  it('names each statement that does not parse, and still checks the ones after it', () => {
    const text = 'create table a (id int,, x int);\nselect 1;\nselect * form a;\nupdate a set x = 1 where;\nselect 2;';
    assert.deepEqual(errorsOf(text), ['1:24-1 syntax error at or near ","', '3:10-4 syntax error at or near "form"', '4:25-1 syntax error at or near ";"']);
  });

  it('says where a statement ends too early, and where a string or comment never ends', () => {
    assert.deepEqual(errorsOf('select 1;\nselect (1 + 2'), ['2:14-1 syntax error at or near ";"']);
    assert.deepEqual(errorsOf("select 1;\nselect 'abc"), ['2:8-4 unterminated quoted string at or near "\'abc"']);
    assert.deepEqual(errorsOf('select 1; /* never closed'), ['1:11-15 unterminated /* comment at or near "/* never closed"']);
  });

  it('counts columns in UTF-16 code units past astral characters', () => {
    assert.deepEqual(errorsOf("select '🚀🚀' as rocket,, 1;"), ['1:25-1 syntax error at or near ","']);
  });
});
