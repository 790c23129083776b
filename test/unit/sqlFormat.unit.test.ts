import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatSql, SqlFormatError } from '../../src/core/sqlFormat';

const upper = { keywordCase: 'upper', tabWidth: 2, useTabs: false } as const;

describe('formatSql', () => {
  it('lays a query out one clause per line with upper-case keywords, keeping a trailing comment', () => {
    const input = 'select a, b from orders o join customers c on c.id = o.customer_id where o.total > 100 -- big ones\norder by a;\n';
    assert.equal(
      formatSql(input, upper),
      'SELECT\n  a,\n  b\nFROM\n  orders o\n  JOIN customers c ON c.id = o.customer_id\nWHERE\n  o.total > 100 -- big ones\nORDER BY\n  a;\n',
    );
  });

  it('keeps a dollar-quoted function body and a block comment exactly as written', () => {
    const input = 'create function f() returns int language plpgsql as $$ begin   return 1; end $$;\n/* keep me */ select 1;';
    const output = formatSql(input, upper);
    assert.ok(output.includes('$$ begin   return 1; end $$'), output);
    assert.ok(output.includes('/* keep me */'), output);
    assert.equal(output.endsWith('SELECT\n  1;'), true, 'no newline is added when the input had none');
  });

  it('honours lower-case keywords and tab indentation', () => {
    assert.equal(formatSql('SELECT x FROM t;', { keywordCase: 'lower', tabWidth: 4, useTabs: true }), 'select\n\tx\nfrom\n\tt;');
  });

  it('returns blank input unchanged', () => {
    assert.equal(formatSql('  \n', upper), '  \n');
  });

  it('says where it stopped on SQL it cannot tokenise', () => {
    assert.throws(
      () => formatSql("select 'unterminated", upper),
      (error: unknown) =>
        error instanceof SqlFormatError &&
        error.message === 'The SQL could not be formatted: Parse error: Unexpected "\'untermina" at line 1 column 8.',
    );
  });
});
