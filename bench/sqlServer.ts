/**
 * npm run bench:sql: the language server on a SQL file of 10,000 lines (about 2,500 statements: tables,
 * inserts, queries), over in-memory streams as in the tests. Printed, each the median of several runs:
 * diagnostics from the file's opening to their publication (the PostgreSQL parser reading every
 * statement), and after a one-character edit; completion after FROM, after an alias's dot, and in a
 * select list, cold (the first, when the DDL files are read into a model) and warm.
 *
 *   npm run bench:sql -- --lines 10000 --runs 5
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTestServer } from '../test/support/languageServer';
import { argument, median } from './figures';

const BUDGET_MS = 100;

/** A file like a big lab's: each table, then inserts into it and queries over it. */
function bigSqlFile(lines: number): string {
  const parts: string[] = [];
  let count = 0;
  for (let index = 0; count < lines; index += 1) {
    const block = [
      `create table t${index} (\n  id bigint primary key,\n  name text not null,\n  amount numeric(12,2),\n  parent_id bigint references t${Math.max(0, index - 1)} (id)\n);`,
      `insert into t${index} (id, name, amount) values (${index}, 'row ${index}', ${index}.5);`,
      `select t.id, t.name, sum(t.amount) as total\n  from t${index} t\n  where t.amount > 10\n  group by t.id, t.name\n  order by total desc\n  limit 10;`,
    ].join('\n');
    parts.push(block);
    count += block.split('\n').length;
  }
  return `${parts.join('\n')}\n`;
}

async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

async function main(): Promise<void> {
  const lines = Number(argument('--lines', '10000'));
  const runs = Number(argument('--runs', '5'));
  const text = bigSqlFile(lines);
  const lineCount = text.split('\n').length - 1;
  const folder = mkdtempSync(join(tmpdir(), 'delabs-bench-sql-'));
  const file = join(folder, 'big.sql');
  writeFileSync(file, text);
  const uri = pathToFileURL(file).toString();
  const opened: number[] = [];
  const edited: number[] = [];
  const cold: number[] = [];
  const warmFrom: number[] = [];
  const warmDot: number[] = [];
  const warmList: number[] = [];
  let items = { from: 0, dot: 0, list: 0 };
  for (let run = 0; run < runs; run += 1) {
    const server = await startTestServer();
    try {
      // The parser loads with the server; the first open waits for it, as an editor's first file does.
      await server.open(pathToFileURL(join(folder, 'warmup.sql')).toString(), 'sql', 'select 1;');
      await server.diagnostics(pathToFileURL(join(folder, 'warmup.sql')).toString());
      opened.push((await timed(async () => (await server.open(uri, 'sql', text), server.diagnostics(uri, 1, 60_000)))).ms);
      // A typo in the middle of the file, then mended: two edits, each published.
      const broken = text.replace('where t.amount > 10', 'where t.amount >> 10 and');
      edited.push((await timed(async () => (await server.change(uri, broken), server.diagnostics(uri, 2, 60_000)))).ms);
      await server.change(uri, text);
      await server.diagnostics(uri, 3, 60_000);
      // Completion after FROM at the end of the file: the first reads every DDL statement into a model.
      await server.change(uri, `${text}select  from `);
      await server.diagnostics(uri, 4, 60_000);
      const first = await timed(() => server.completion(uri, lineCount, 13));
      cold.push(first.ms);
      items = { ...items, from: first.value.length };
      warmFrom.push((await timed(() => server.completion(uri, lineCount, 13))).ms);
      await server.change(uri, `${text}select t. from t9 t`);
      await server.diagnostics(uri, 5, 60_000);
      const dot = await timed(() => server.completion(uri, lineCount, 9));
      warmDot.push(dot.ms);
      const list = await timed(() => server.completion(uri, lineCount, 7));
      warmList.push(list.ms);
      items = { ...items, dot: dot.value.length, list: list.value.length };
    } finally {
      server.dispose();
    }
  }
  console.log(`language server: a SQL file of ${lineCount.toLocaleString('en-US')} lines (${(text.length / 1024).toFixed(0)} KiB), ${runs} runs, over in-memory streams`);
  console.log(`diagnostics: open to published ${median(opened).toFixed(1)} ms; after an edit ${median(edited).toFixed(1)} ms (budget ${BUDGET_MS} ms: ${Math.max(median(opened), median(edited)) < BUDGET_MS ? 'within' : 'OVER'})`);
  console.log(`completion after FROM: cold ${median(cold).toFixed(1)} ms (the DDL files read into a model), warm ${median(warmFrom).toFixed(1)} ms, ${items.from} items`);
  console.log(`completion after an alias's dot ${median(warmDot).toFixed(1)} ms (${items.dot} columns); in a select list ${median(warmList).toFixed(1)} ms (${items.list} items)`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
