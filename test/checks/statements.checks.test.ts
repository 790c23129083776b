import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineOfOffset, locateInStatement, splitSqlStatements } from '../../src/core/checks/postgres/statements';

const texts = (sql: string): string[] => splitSqlStatements(sql).map((statement) => statement.text);

describe('splitSqlStatements', () => {
  it('splits on semicolons and keeps a last statement without one', () => {
    assert.deepEqual(texts('select 1; select 2;\nselect 3'), ['select 1', 'select 2', 'select 3']);
  });

  it('drops statements that are only blanks and comments', () => {
    assert.deepEqual(texts(';;  ;\n-- only a comment;\n/* block; */ ;\nselect 1;\n-- trailing comment\n'), ['select 1']);
    assert.deepEqual(texts(''), []);
    assert.deepEqual(texts('-- nothing here yet\n/* TODO */\n'), []);
  });

  it('gives each statement the line and offset of its first real character', () => {
    const sql = '-- header\n\n/* a\n comment */  create table t (id int);\n\n  insert into t\n  values (1);';
    const statements = splitSqlStatements(sql);
    assert.deepEqual(
      statements.map(({ line, startOffset, text }) => ({ line, startOffset, text })),
      [
        { line: 4, startOffset: sql.indexOf('create'), text: 'create table t (id int)' },
        { line: 6, startOffset: sql.indexOf('insert'), text: 'insert into t\n  values (1)' },
      ],
    );
  });

  it('ignores semicolons in single-quoted strings, with doubled quotes', () => {
    assert.deepEqual(texts("select 'a;b', 'it''s; fine'; select 2"), ["select 'a;b', 'it''s; fine'", 'select 2']);
  });

  it("understands backslash escapes in E'' strings only", () => {
    assert.deepEqual(texts("select E'it\\'s; fine', e'\\\\'; select 2"), ["select E'it\\'s; fine', e'\\\\'", 'select 2']);
    // In a standard string a backslash is just a character: the string ends at the second quote.
    assert.deepEqual(texts("select 'a\\'; select 2"), ["select 'a\\'", 'select 2']);
  });

  it('ignores semicolons in double-quoted identifiers', () => {
    assert.deepEqual(texts('select 1 as "a;""b"; select 2'), ['select 1 as "a;""b"', 'select 2']);
  });

  it('ignores semicolons in dollar-quoted bodies, with and without a tag', () => {
    const fn = 'create function f() returns int language plpgsql as $$ begin return 1; end; $$';
    const tagged = "do $body$ begin raise notice '$$;'; perform 1; end $body$";
    assert.deepEqual(texts(`${fn};\n${tagged};\nselect 3`), [fn, tagged, 'select 3']);
  });

  it('does not take $ inside an identifier or a parameter for a dollar quote', () => {
    assert.deepEqual(texts('select a$b$ from t; select $1; select 3'), ['select a$b$ from t', 'select $1', 'select 3']);
  });

  it('ignores semicolons in line comments and in nested block comments', () => {
    assert.deepEqual(texts('select 1 -- not; the end\n+ 1; /* outer /* inner; */ still; */ select 2'), ['select 1 -- not; the end\n+ 1', 'select 2']);
  });

  it('keeps semicolons inside parentheses, as psql does for CREATE RULE', () => {
    const rule = 'create rule r as on insert to t do also (insert into log values (1); insert into log values (2))';
    assert.deepEqual(texts(`${rule}; select 1`), [rule, 'select 1']);
  });

  it('keeps BEGIN ATOMIC ... END bodies of SQL-standard functions whole', () => {
    const fn = 'create or replace function total() returns int begin atomic select 1; select case when true then 2 end; end';
    assert.deepEqual(texts(`${fn}; select 1; begin; commit`), [fn, 'select 1', 'begin', 'commit']);
    const procedure = 'CREATE PROCEDURE p() BEGIN ATOMIC insert into t values (1); END';
    assert.deepEqual(texts(`${procedure};select 2`), [procedure, 'select 2']);
  });

  it('runs an unterminated string or comment to the end of the text', () => {
    assert.deepEqual(texts("select 1; select 'oops; select 2"), ['select 1', "select 'oops; select 2"]);
    assert.deepEqual(texts('select 1; /* open; select 2'), ['select 1']);
  });
});

describe('lineOfOffset', () => {
  it('gives 1-based lines and columns', () => {
    const text = 'ab\ncd\n\nef';
    assert.deepEqual(lineOfOffset(text, 0), { line: 1, column: 1 });
    assert.deepEqual(lineOfOffset(text, 2), { line: 1, column: 3 });
    assert.deepEqual(lineOfOffset(text, 3), { line: 2, column: 1 });
    assert.deepEqual(lineOfOffset(text, 7), { line: 4, column: 1 });
    assert.deepEqual(lineOfOffset(text, 99), { line: 4, column: 3 });
  });
});

describe('locateInStatement', () => {
  it("maps PostgreSQL's character position in a statement to the file's line and column", () => {
    const source = '-- schema\ncreate table a (id int);\ninsert into a\nvalues (1), (x);\n';
    const statement = splitSqlStatements(source)[1];
    assert.ok(statement);
    // PostgreSQL reports the position of "x" within the statement's text, 1-based.
    const position = statement.text.indexOf('x') + 1;
    assert.deepEqual(locateInStatement(source, statement, position), { line: 4, column: 14 });
    assert.deepEqual(locateInStatement(source, statement), { line: 3, column: 1 });
  });

  it('counts characters as PostgreSQL does, not UTF-16 code units', () => {
    const source = "select '😀', nope";
    const statement = splitSqlStatements(source)[0];
    assert.ok(statement);
    // PostgreSQL counts the emoji as one character: "nope" starts at character 13.
    assert.deepEqual(locateInStatement(source, statement, 13), { line: 1, column: 14 });
  });
});
