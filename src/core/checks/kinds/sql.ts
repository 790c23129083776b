/**
 * The `sql` check kind: runs a query (the lab's, or the learner's from a query file: learnerQuery.ts)
 * and compares its result with the manifest's expectation: a single value, a row count, or rows in any
 * order (or in order). Values compare as PostgreSQL's text, numbers by value: 12.5 equals '12.50'.
 */
import { outcome, type CheckOf, type KindOutcome, type KindRunner, type SourceLocation } from '../types';
import { clientFor, hiddenQueryFailure, postgresErrorOf, queryText, type TextResult } from '../postgres/connection';
import { learnerQueryFailure, readLearnerQuery, type LearnerQuery } from './learnerQuery';

/** A value as a lab.yaml writes it. */
export type ExpectedValue = string | number | boolean | null;
/** A value as PostgreSQL returns it: its text, or null. */
export type ActualValue = string | null;

const NUMBER = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
/** At most this many rows of a result go into expected/actual. */
const SHOWN_ROWS = 50;
/** At most this many rows are named as missing or unexpected in a message. */
const NAMED_ROWS = 5;

/** The form two values share when they are equal: numbers by value, booleans as 't'/'f', the rest as text. */
function canonical(value: ExpectedValue | ActualValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 's:t' : 's:f';
  if (typeof value === 'number') return Number.isFinite(value) ? `n:${value}` : `s:${value}`;
  if (NUMBER.test(value)) {
    const number = Number(value);
    if (Number.isFinite(number)) return `n:${number}`;
  }
  return `s:${value}`;
}

/** Whether a lab's expected value equals a value PostgreSQL returned. */
export function valuesEqual(expected: ExpectedValue | ActualValue, actual: ExpectedValue | ActualValue): boolean {
  return canonical(expected) === canonical(actual);
}

function rowKey(row: ReadonlyArray<ExpectedValue | ActualValue>): string {
  return JSON.stringify(row.map(canonical));
}

/** A value as the messages show it: NULL for null, text quoted only when it would otherwise mislead. */
export function renderValue(value: ExpectedValue | ActualValue): string {
  if (value === null) return 'NULL';
  if (typeof value !== 'string') return String(value);
  return value === '' || value !== value.trim() || value === 'NULL' || /[,()"\n\r\t]/.test(value) ? JSON.stringify(value) : value;
}

/** A row as the messages show it: (postcodes, 7). */
export function renderRow(row: ReadonlyArray<ExpectedValue | ActualValue>): string {
  return `(${row.map(renderValue).join(', ')})`;
}

/** Rows one per line, at most SHOWN_ROWS of them. */
function renderRows(rows: ReadonlyArray<ReadonlyArray<ExpectedValue | ActualValue>>): string {
  if (rows.length === 0) return '(no rows)';
  const shown = rows.slice(0, SHOWN_ROWS).map(renderRow);
  if (rows.length > SHOWN_ROWS) shown.push(`… and ${rows.length - SHOWN_ROWS} more rows`);
  return shown.join('\n');
}

function listRows(rows: ReadonlyArray<ReadonlyArray<ExpectedValue | ActualValue>>): string {
  const named = rows.slice(0, NAMED_ROWS).map(renderRow).join(', ');
  return rows.length > NAMED_ROWS ? `${named} and ${rows.length - NAMED_ROWS} more` : named;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Compares rows as multisets; which expected rows have no match, and which returned rows match none. */
function diffRows(
  expected: ReadonlyArray<readonly ExpectedValue[]>,
  actual: ReadonlyArray<readonly ActualValue[]>,
): { missing: Array<readonly ExpectedValue[]>; unexpected: Array<readonly ActualValue[]> } {
  const unmatched = new Map<string, number[]>();
  actual.forEach((row, index) => {
    const key = rowKey(row);
    unmatched.set(key, [...(unmatched.get(key) ?? []), index]);
  });
  const matched = new Set<number>();
  const missing: Array<readonly ExpectedValue[]> = [];
  for (const row of expected) {
    const index = unmatched.get(rowKey(row))?.shift();
    if (index === undefined) missing.push(row);
    else matched.add(index);
  }
  return { missing, unexpected: actual.filter((_, index) => !matched.has(index)) };
}

type SqlExpect = CheckOf<'sql'>['expect'];

/** The verdict on a query's result against the manifest's `expect`. */
export function compareResult(expect: SqlExpect, result: TextResult, ordered: boolean, location?: SourceLocation): KindOutcome {
  const extra = location ? { location } : {};
  const { rows, columns } = result;
  if ('scalar' in expect) {
    const wanted = renderValue(expect.scalar);
    const [row] = rows;
    if (rows.length !== 1 || columns.length !== 1 || row === undefined) {
      return outcome.failed(`expected a single value, but the query returned ${plural(rows.length, 'row')} of ${plural(columns.length, 'column')}.`, {
        expected: wanted,
        actual: renderRows(rows),
        ...extra,
      });
    }
    const value = row[0] ?? null;
    if (valuesEqual(expect.scalar, value)) return outcome.passed(`the query returned ${renderValue(value)}, as expected.`);
    return outcome.failed(`the query returned ${renderValue(value)}, expected ${wanted}.`, { expected: wanted, actual: renderValue(value), ...extra });
  }
  if ('rowCount' in expect) {
    if (rows.length === expect.rowCount) return outcome.passed(`the query returned ${plural(rows.length, 'row')}, as expected.`);
    return outcome.failed(`the query returned ${plural(rows.length, 'row')}, expected ${expect.rowCount}.`, {
      expected: plural(expect.rowCount, 'row'),
      actual: plural(rows.length, 'row'),
      ...extra,
    });
  }
  const expectedRows = expect.rows;
  const shown = { expected: renderRows(expectedRows), actual: renderRows(rows), ...extra };
  const width = expectedRows[0]?.length;
  if (width !== undefined && width !== columns.length) {
    return outcome.failed(`the query returned rows of ${plural(columns.length, 'column')}, expected ${plural(width, 'column')}.`, shown);
  }
  const { missing, unexpected } = diffRows(expectedRows, rows);
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [`the query returned ${plural(rows.length, 'row')}, expected ${expectedRows.length}.`];
    if (missing.length > 0) parts.push(`Missing: ${listRows(missing)}.`);
    if (unexpected.length > 0) parts.push(`Unexpected: ${listRows(unexpected)}.`);
    return outcome.failed(parts.join(' '), shown);
  }
  if (ordered) {
    const index = expectedRows.findIndex((row, position) => rowKey(row) !== rowKey(rows[position] ?? []));
    const expectedRow = expectedRows[index];
    const actualRow = rows[index];
    if (expectedRow !== undefined && actualRow !== undefined) {
      return outcome.failed(`the query returned the expected rows in another order: row ${index + 1} is ${renderRow(actualRow)}, expected ${renderRow(expectedRow)}.`, shown);
    }
  }
  return outcome.passed(`the query returned the ${plural(rows.length, 'expected row')}${ordered ? ' in order' : ''}.`);
}


/** The learner's query: the last statement of their file, or the verdict when there is none. */
/** Runs a `sql` check: the query's result against `expect`. */
export const runSqlCheck: KindRunner<'sql'> = async (check, context) => {
  let learner: LearnerQuery | undefined;
  if (check.queryFile !== undefined) {
    const found = await readLearnerQuery(check.queryFile, check.queryName, context);
    if ('status' in found) return found;
    learner = found;
  }
  const sql = learner?.statement.text ?? check.query ?? '';
  const client = await clientFor(context, check.service);
  let result: TextResult;
  try {
    result = await queryText(client, sql, context.signal);
  } catch (error) {
    const reported = postgresErrorOf(error);
    if (!reported || context.signal.aborted) throw error;
    return learner ? learnerQueryFailure(learner, reported) : hiddenQueryFailure(reported, context, check.service);
  }
  const location = learner ? { file: learner.file, line: learner.statement.line } : undefined;
  return compareResult(check.expect, result, check.ordered ?? false, location);
};
