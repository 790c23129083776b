/**
 * The two contributed grammars, tokenized as VS Code tokenizes them (see textmate.ts). The assertion
 * files beside this one (*.test.plan, *.test.py, run by vscode-tmgrammar-test) check single tokens;
 * these tests check what those cannot: whole captured plans against their JSON, exact scope lists,
 * and Python left exactly as Python's own grammar leaves it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type IGrammar } from 'vscode-textmate';
import { describeTokens, loadGrammar, manifest, tokenize, type Token } from './textmate';

const plansDir = join(__dirname, '..', 'fixtures', 'plans');
const planNames = readdirSync(plansDir).filter((name) => name.endsWith('.txt')).map((name) => name.slice(0, -'.txt'.length)).sort();

/** The fields of a JSON plan node that its text line shows. */
interface PlanNode {
  'Node Type': string;
  'Parallel Aware'?: boolean;
  'Async Capable'?: boolean;
  'Partial Mode'?: string;
  Strategy?: string;
  'Join Type'?: string;
  'Scan Direction'?: string;
  'Index Name'?: string;
  'Relation Name'?: string;
  'CTE Name'?: string;
  Schema?: string;
  Alias?: string;
  Plans?: PlanNode[];
}

/** What a node line shows before its statistics. */
interface NodeHead {
  type: string;
  index?: string;
  relation?: string;
  alias?: string;
}

const AGGREGATE_STRATEGIES: Readonly<Record<string, string>> = { Plain: 'Aggregate', Sorted: 'GroupAggregate', Hashed: 'HashAggregate', Mixed: 'MixedAggregate' };

/** The head of a node's text line, as explain.c writes it from the same plan. */
function expectedHead(node: PlanNode): NodeHead {
  let type = node['Node Type'];
  if (type === 'Aggregate') type = AGGREGATE_STRATEGIES[node.Strategy ?? 'Plain'] ?? type;
  const joinType = node['Join Type'];
  if (joinType !== undefined && joinType !== 'Inner') type = `${type === 'Nested Loop' ? type : type.replace(/ Join$/, '')} ${joinType} Join`;
  if (node['Partial Mode'] !== undefined && node['Partial Mode'] !== 'Simple') type = `${node['Partial Mode']} ${type}`;
  if (node['Parallel Aware'] === true) type = `Parallel ${type}`;
  if (node['Async Capable'] === true) type = `Async ${type}`;
  if (node['Scan Direction'] === 'Backward') type = `${type} Backward`;
  const head: NodeHead = { type };
  if (node['Index Name'] !== undefined) head.index = node['Index Name'];
  const object = node['Relation Name'] ?? node['CTE Name'];
  if (object !== undefined) {
    head.relation = node.Schema === undefined ? object : `${node.Schema}.${object}`;
    if (node.Alias !== undefined && node.Alias !== object) head.alias = node.Alias;
  }
  return head;
}

function preOrder(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(preOrder)];
}

const has = (token: Token, scope: string): boolean => token.scopes.some((s) => s === scope || s.startsWith(`${scope}.`));

/** The head of a tokenized node line, read from its scopes alone. */
function tokenizedHead(tokens: readonly Token[]): NodeHead {
  const text = (scope: string): string => tokens.filter((token) => has(token, scope)).map((token) => token.text).join('');
  const head: NodeHead = {
    type: tokens.filter((token) => has(token, 'entity.name.type.node.pgplan') || (has(token, 'storage.modifier') && !has(token, 'meta.group'))).map((token) => token.text).join(' '),
  };
  if (text('variable.other.index.pgplan') !== '') head.index = text('variable.other.index.pgplan');
  const relation = tokens.filter((token) => has(token, 'entity.name.namespace.pgplan') || has(token, 'punctuation.accessor.pgplan') || has(token, 'variable.other.table.pgplan'));
  if (relation.length > 0) head.relation = relation.map((token) => token.text).join('');
  if (text('variable.other.alias.pgplan') !== '') head.alias = text('variable.other.alias.pgplan');
  return head;
}

/** The scope that says what kind of line a line is, from its first non-blank token. */
function lineKind(tokens: readonly Token[]): string {
  const first = tokens.find((token) => token.text.trim() !== '');
  return first?.scopes.find((scope) => /^meta\.(node|detail|subplan|header|separator|footer|prompt)\b/.test(scope)) ?? `unrecognised: ${tokens.map((token) => token.text).join('')}`;
}

describe('the PostgreSQL plan grammar on the plans captured from PostgreSQL', () => {
  let grammar: IGrammar;
  const plans = new Map<string, Token[][]>();
  before(async () => {
    grammar = await loadGrammar('source.pgplan');
    for (const name of planNames) plans.set(name, tokenize(grammar, readFileSync(join(plansDir, `${name}.txt`), 'utf8').trimEnd()));
  });

  it('knows what every line of every plan is', () => {
    const unrecognised = [...plans].flatMap(([name, lines]) => lines.map(lineKind).filter((kind) => kind.startsWith('unrecognised')).map((kind) => `${name}: ${kind}`));
    assert.deepEqual(unrecognised, []);
  });

  it('reads each node line\'s type, index, relation and alias as the JSON plan of the same query has them', () => {
    for (const name of planNames) {
      const json = JSON.parse(readFileSync(join(plansDir, `${name}.json`), 'utf8')) as [{ Plan: PlanNode }];
      const lines = plans.get(name) ?? [];
      const tokenized = lines.filter((tokens) => lineKind(tokens) === 'meta.node.pgplan').map(tokenizedHead);
      assert.deepEqual(tokenized, preOrder(json[0].Plan).map(expectedHead), name);
    }
  });

  it('finds these node types and modifiers in the captured plans', () => {
    const types = new Set([...plans.values()].flat(2).filter((token) => has(token, 'entity.name.type.node.pgplan')).map((token) => token.text));
    assert.deepEqual([...types].sort(), [
      'Aggregate', 'Append', 'Bitmap Heap Scan', 'Bitmap Index Scan', 'BitmapAnd', 'CTE Scan', 'Gather', 'Gather Merge', 'GroupAggregate', 'Hash',
      'Hash Join', 'HashAggregate', 'Index Only Scan', 'Index Scan', 'Limit', 'Merge Join', 'Nested Loop', 'Seq Scan', 'Sort',
    ]);
    const modifiers = new Set([...plans.values()].flat(2).filter((token) => has(token, 'storage.modifier') && has(token, 'meta.node.pgplan')).map((token) => `${token.text}  ${token.scopes.at(-1) ?? ''}`));
    assert.deepEqual([...modifiers].sort(), ['Finalize  storage.modifier.finalize.pgplan', 'Parallel  storage.modifier.parallel.pgplan', 'Partial  storage.modifier.partial.pgplan']);
  });

  it('finds these detail labels, and tokenizes the values of the expression labels as SQL', () => {
    const labels = new Map<string, boolean>();
    for (const tokens of [...plans.values()].flat()) {
      for (const token of tokens.filter((t) => has(t, 'entity.other.attribute-name.label.pgplan'))) {
        labels.set(token.text, (labels.get(token.text) ?? false) || tokens.some((t) => has(t, 'meta.embedded.sql')));
      }
    }
    assert.deepEqual([...labels.keys()].sort(), [
      'Batches', 'Buckets', 'Buffers', 'Execution Time', 'Filter', 'Group Key', 'Hash Cond', 'Heap Blocks', 'Heap Fetches', 'Index Cond', 'Inner Unique', 'Memory',
      'Memory Usage', 'Merge Cond', 'Output', 'Planning', 'Planning Time', 'Recheck Cond', 'Rows Removed by Filter', 'Sort Key', 'Sort Method', 'Worker', 'Workers Launched', 'Workers Planned',
    ]);
    assert.deepEqual([...labels].filter(([, sql]) => sql).map(([label]) => label).sort(), ['Filter', 'Group Key', 'Hash Cond', 'Index Cond', 'Merge Cond', 'Output', 'Recheck Cond', 'Sort Key']);
  });

  it('scopes a node line: arrow, type, index, schema, relation, alias, and each key and number of both groups', () => {
    const line = (plans.get('merge-join') ?? [])[4] ?? [];
    assert.deepEqual(describeTokens(line.filter((token) => token.text.trim() !== '')), [
      '->  meta.node.pgplan keyword.operator.arrow.pgplan',
      'Index Only Scan  meta.node.pgplan entity.name.type.node.pgplan',
      'using  meta.node.pgplan keyword.other.using.pgplan',
      'orders_pkey  meta.node.pgplan variable.other.index.pgplan',
      'on  meta.node.pgplan keyword.other.on.pgplan',
      'public  meta.node.pgplan entity.name.namespace.pgplan',
      '.  meta.node.pgplan punctuation.accessor.pgplan',
      'orders  meta.node.pgplan variable.other.table.pgplan',
      'o  meta.node.pgplan variable.other.alias.pgplan',
      '(  meta.node.pgplan meta.group.cost.pgplan punctuation.definition.group.begin.pgplan',
      'cost  meta.node.pgplan meta.group.cost.pgplan support.type.property-name.pgplan',
      '=  meta.node.pgplan meta.group.cost.pgplan keyword.operator.assignment.pgplan',
      '0.42  meta.node.pgplan meta.group.cost.pgplan constant.numeric.float.pgplan',
      '..  meta.node.pgplan meta.group.cost.pgplan punctuation.separator.range.pgplan',
      '71.76  meta.node.pgplan meta.group.cost.pgplan constant.numeric.float.pgplan',
      'rows  meta.node.pgplan meta.group.cost.pgplan support.type.property-name.pgplan',
      '=  meta.node.pgplan meta.group.cost.pgplan keyword.operator.assignment.pgplan',
      '1848  meta.node.pgplan meta.group.cost.pgplan constant.numeric.integer.pgplan',
      'width  meta.node.pgplan meta.group.cost.pgplan support.type.property-name.pgplan',
      '=  meta.node.pgplan meta.group.cost.pgplan keyword.operator.assignment.pgplan',
      '4  meta.node.pgplan meta.group.cost.pgplan constant.numeric.integer.pgplan',
      ')  meta.node.pgplan meta.group.cost.pgplan punctuation.definition.group.end.pgplan',
      '(  meta.node.pgplan meta.group.actual.pgplan punctuation.definition.group.begin.pgplan',
      'actual  meta.node.pgplan meta.group.actual.pgplan keyword.other.actual.pgplan',
      'time  meta.node.pgplan meta.group.actual.pgplan support.type.property-name.pgplan',
      '=  meta.node.pgplan meta.group.actual.pgplan keyword.operator.assignment.pgplan',
      '0.011  meta.node.pgplan meta.group.actual.pgplan constant.numeric.float.pgplan',
      '..  meta.node.pgplan meta.group.actual.pgplan punctuation.separator.range.pgplan',
      '0.381  meta.node.pgplan meta.group.actual.pgplan constant.numeric.float.pgplan',
      'rows  meta.node.pgplan meta.group.actual.pgplan support.type.property-name.pgplan',
      '=  meta.node.pgplan meta.group.actual.pgplan keyword.operator.assignment.pgplan',
      '1999  meta.node.pgplan meta.group.actual.pgplan constant.numeric.integer.pgplan',
      'loops  meta.node.pgplan meta.group.actual.pgplan support.type.property-name.pgplan',
      '=  meta.node.pgplan meta.group.actual.pgplan keyword.operator.assignment.pgplan',
      '1  meta.node.pgplan meta.group.actual.pgplan constant.numeric.integer.pgplan',
      ')  meta.node.pgplan meta.group.actual.pgplan punctuation.definition.group.end.pgplan',
    ]);
  });

  it('scopes a detail line\'s label, and its expression as embedded SQL', () => {
    const line = (plans.get('misestimate') ?? [])[7] ?? [];
    assert.deepEqual(describeTokens(line), [
      `${' '.repeat(8)}  meta.detail.pgplan`,
      'Filter  meta.detail.pgplan entity.other.attribute-name.label.pgplan',
      ':  meta.detail.pgplan punctuation.separator.key-value.pgplan',
      '   meta.detail.pgplan',
      '((  meta.detail.pgplan meta.embedded.sql',
      'orders  meta.detail.pgplan meta.embedded.sql constant.other.database-name.sql',
      '.  meta.detail.pgplan meta.embedded.sql',
      'ordered_at  meta.detail.pgplan meta.embedded.sql constant.other.table-name.sql',
      '   meta.detail.pgplan meta.embedded.sql',
      '=  meta.detail.pgplan meta.embedded.sql keyword.operator.comparison.sql',
      '   meta.detail.pgplan meta.embedded.sql',
      '\'  meta.detail.pgplan meta.embedded.sql string.quoted.single.sql punctuation.definition.string.begin.sql',
      '2025-01-04  meta.detail.pgplan meta.embedded.sql string.quoted.single.sql',
      '\'  meta.detail.pgplan meta.embedded.sql string.quoted.single.sql punctuation.definition.string.end.sql',
      '::  meta.detail.pgplan meta.embedded.sql',
      'date  meta.detail.pgplan meta.embedded.sql storage.type.sql',
      ')   meta.detail.pgplan meta.embedded.sql',
      'AND  meta.detail.pgplan meta.embedded.sql keyword.other.DML.sql',
      ' (((  meta.detail.pgplan meta.embedded.sql',
      'orders  meta.detail.pgplan meta.embedded.sql constant.other.database-name.sql',
      '.  meta.detail.pgplan meta.embedded.sql',
      'total  meta.detail.pgplan meta.embedded.sql constant.other.table-name.sql',
      ')::  meta.detail.pgplan meta.embedded.sql',
      'integer  meta.detail.pgplan meta.embedded.sql storage.type.sql',
      ' %   meta.detail.pgplan meta.embedded.sql',
      '7  meta.detail.pgplan meta.embedded.sql constant.numeric.sql',
      ')   meta.detail.pgplan meta.embedded.sql',
      '=  meta.detail.pgplan meta.embedded.sql keyword.operator.comparison.sql',
      '   meta.detail.pgplan meta.embedded.sql',
      '0  meta.detail.pgplan meta.embedded.sql constant.numeric.sql',
      '))  meta.detail.pgplan meta.embedded.sql',
    ]);
  });
});

describe('the PostgreSQL plan language in package.json', () => {
  const language = manifest.contributes.languages.find((entry) => entry.id === 'pgplan');

  it('is PostgreSQL Plan, for .plan and .explain files, with its SQL mapped to the sql language', () => {
    assert.deepEqual(language, { id: 'pgplan', aliases: ['PostgreSQL Plan', 'pgplan'], extensions: ['.plan', '.explain'], firstLine: language?.firstLine });
    assert.deepEqual(manifest.contributes.grammars.find((grammar) => grammar.language === 'pgplan'), {
      language: 'pgplan',
      scopeName: 'source.pgplan',
      path: './syntaxes/pgplan.tmLanguage.json',
      embeddedLanguages: { 'meta.embedded.sql': 'sql' },
    });
  });

  it('recognises a plan by its first line: psql\'s header, or a node with its statistics', () => {
    const firstLine = new RegExp(language?.firstLine ?? '(?!)');
    const firstLines = planNames.map((name) => readFileSync(join(plansDir, `${name}.txt`), 'utf8').split('\n')[0] ?? '');
    assert.deepEqual(firstLines.filter((line) => !firstLine.test(line)), []);
    assert.deepEqual(
      ['                  QUERY PLAN', ' Seq Scan on t  (cost=0.00..35.50 rows=2550 width=4)', 'Seq Scan on t (actual time=0.010..0.452 rows=1000 loops=1)', 'SELECT * FROM t;', 'import psycopg', 'Notes (cost: high)'].map((line) => firstLine.test(line)),
      [true, true, true, false, false, false],
    );
  });
});

describe('SQL in Python strings', () => {
  let python: IGrammar;
  let pythonAlone: IGrammar;
  before(async () => {
    python = await loadGrammar('source.python');
    pythonAlone = await loadGrammar('source.python', { withInjections: false });
  });

  it('is contributed as an injection into Python, with its SQL mapped to the sql language', () => {
    assert.deepEqual(manifest.contributes.grammars.find((grammar) => grammar.scopeName === 'source.python.embedded.sql'), {
      scopeName: 'source.python.embedded.sql',
      path: './syntaxes/sql-in-python.tmLanguage.json',
      injectTo: ['source.python'],
      embeddedLanguages: { 'meta.embedded.sql': 'sql' },
    });
  });

  it('tokenizes a database call\'s first argument as SQL between Python\'s own quotes, and the rest of the call as Python', () => {
    const [line = []] = tokenize(python, "cursor.execute('select * from t where id = %s', (1,))");
    const call = 'meta.member.access.python meta.function-call.python';
    const argument = `${call} meta.function-call.arguments.python`;
    const string = `${argument} meta.sql-argument.python string.quoted.single.python`;
    assert.deepEqual(describeTokens(line), [
      'cursor  ',
      `.  meta.member.access.python punctuation.separator.period.python`,
      `execute  ${call} meta.function-call.generic.python`,
      `(  ${call} punctuation.definition.arguments.begin.python`,
      `'  ${string} punctuation.definition.string.begin.python`,
      `select  ${string} meta.embedded.sql keyword.other.DML.sql`,
      `   ${string} meta.embedded.sql`,
      `*  ${string} meta.embedded.sql keyword.operator.star.sql`,
      `   ${string} meta.embedded.sql`,
      `from  ${string} meta.embedded.sql keyword.other.DML.sql`,
      ` t   ${string} meta.embedded.sql`,
      `where  ${string} meta.embedded.sql keyword.other.DML.sql`,
      ` id   ${string} meta.embedded.sql`,
      `=  ${string} meta.embedded.sql keyword.operator.comparison.sql`,
      `   ${string} meta.embedded.sql`,
      `%s  ${string} meta.embedded.sql meta.format.percent.python constant.character.format.placeholder.other.python`,
      `'  ${string} punctuation.definition.string.end.python`,
      `,  ${argument} punctuation.separator.arguments.python`,
      `   ${argument}`,
      `(  ${argument} punctuation.parenthesis.begin.python`,
      `1  ${argument} constant.numeric.dec.python`,
      `,  ${argument} punctuation.separator.element.python`,
      `)  ${argument} punctuation.parenthesis.end.python`,
      `)  ${call} punctuation.definition.arguments.end.python`,
    ]);
  });

  it('tokenizes a triple-quoted string whose first word is an SQL keyword as SQL, from the line after its opening quotes', () => {
    const lines = tokenize(python, 'QUERY = f"""\n\n    SELECT customer_id FROM {table}\n"""');
    assert.deepEqual(lines.map(describeTokens), [
      [
        'QUERY  constant.other.caps.python',
        '   ',
        '=  keyword.operator.assignment.python',
        '   ',
        'f  meta.fstring.python string.interpolated.python string.quoted.multi.python storage.type.string.python',
        '"""  meta.fstring.python punctuation.definition.string.begin.python string.interpolated.python string.quoted.multi.python',
      ],
      ['  meta.fstring.python'],
      [
        '      meta.fstring.python meta.embedded.sql',
        'SELECT  meta.fstring.python meta.embedded.sql keyword.other.DML.sql',
        ' customer_id   meta.fstring.python meta.embedded.sql',
        'FROM  meta.fstring.python meta.embedded.sql keyword.other.DML.sql',
        '   meta.fstring.python meta.embedded.sql',
        '{  meta.fstring.python meta.embedded.sql constant.character.format.placeholder.other.python',
        'table  meta.fstring.python meta.embedded.sql',
        '}  meta.fstring.python meta.embedded.sql constant.character.format.placeholder.other.python',
      ],
      ['"""  meta.fstring.python punctuation.definition.string.end.python string.interpolated.python string.quoted.multi.python'],
    ]);
  });

  it('leaves docstrings, prose and other strings exactly as Python\'s grammar tokenizes them', () => {
    const source = [
      'def best(cursor):',
      '    """Select the best customers: a docstring, not SQL."""',
      '    note = """',
      '    Report on them, then update the totals.',
      '    """',
      '    print("select 1 is just text here")',
      '    cursor.execute(query, params)',
      '    return r"[a-z]+"',
    ].join('\n');
    assert.deepEqual(tokenize(python, source), tokenize(pythonAlone, source));
  });

  it('leaves the Python after an SQL string exactly as Python\'s grammar tokenizes it', () => {
    const sql = 'df = pd.read_sql("""\n    with x as (select 1 /* an unclosed comment\n    """, conn)\n';
    const after = 'with open(path) as handle:\n    rows = handle.read().split("\\n")  # select nothing\n';
    assert.deepEqual(tokenize(python, sql + after).slice(3), tokenize(pythonAlone, after));
    assert.deepEqual(describeTokens((tokenize(python, sql)[2] ?? []).slice(1)), [
      '"""  meta.member.access.python meta.function-call.python meta.function-call.arguments.python meta.sql-argument.python string.quoted.multi.python punctuation.definition.string.end.python',
      ',  meta.member.access.python meta.function-call.python meta.function-call.arguments.python punctuation.separator.arguments.python',
      '   meta.member.access.python meta.function-call.python meta.function-call.arguments.python',
      'conn  meta.member.access.python meta.function-call.python meta.function-call.arguments.python',
      ')  meta.member.access.python meta.function-call.python punctuation.definition.arguments.end.python',
    ]);
  });
});
