/**
 * A query the learner wrote, for the `sql` and `explain` check kinds: the last statement of a query
 * file, or the statement under a `-- name: <id>` (aiosql, sqlc) or `-- query: <id>` line when the
 * file holds several. Failures point at the file and line, and a PostgreSQL error at its column.
 */
import { join } from 'node:path';
import { outcome, type CheckContext, type KindOutcome } from '../types';
import { describePostgresError, type PostgresError } from '../postgres/connection';
import { locateInStatement, queryMarkers, splitSqlStatements, type SqlStatement } from '../postgres/statements';
import { readIfExists } from '../readIfExists';

export interface LearnerQuery {
  /** The file, relative to the learner's lab folder. */
  readonly file: string;
  readonly source: string;
  readonly statement: SqlStatement;
}

/**
 * The statement of `source` that `name` marks (the first one after its marker line and before the next
 * marker), or without a name the file's last statement; else why there is none.
 */
export function selectStatement(source: string, name: string | undefined): SqlStatement | string {
  const statements = splitSqlStatements(source);
  if (name === undefined) return statements.at(-1) ?? 'has no query yet';
  const markers = queryMarkers(source);
  const named = markers.filter((marker) => marker.name === name);
  const [marker] = named;
  if (!marker) {
    const names = [...new Set(markers.map((each) => each.name))];
    return `has no line \`-- query: ${name}\` (or \`-- name: ${name}\`)${names.length > 0 ? `; its queries are ${names.join(', ')}` : ''}`;
  }
  if (named.length > 1) return `marks two queries \`${name}\`, at lines ${named.map((each) => each.line).join(' and ')}`;
  const next = markers.find((each) => each.start > marker.start)?.start ?? Number.POSITIVE_INFINITY;
  const statement = statements.find((each) => each.startOffset > marker.end && each.startOffset < next);
  return statement ?? `has no statement under \`-- query: ${name}\` (line ${marker.line}) yet`;
}

/** Reads the learner's query: `file` in the lab folder, its statement `name` or its last one. */
export async function readLearnerQuery(file: string, name: string | undefined, context: CheckContext): Promise<LearnerQuery | KindOutcome> {
  const source = await readIfExists(join(context.workDir, file));
  if (source === undefined) return outcome.failed(`${file} is missing from your lab folder.`, { location: { file, line: 1 } });
  const statement = selectStatement(source, name);
  if (typeof statement === 'string') return outcome.failed(`${file} ${statement}.`, { location: { file, line: name === undefined ? 1 : (queryMarkers(source).find((marker) => marker.name === name)?.line ?? 1) } });
  return { file, source, statement };
}

/**
 * The failure for a PostgreSQL error in the learner's query, at its line and column. `prefixLength`:
 * how many characters the check put before the statement (`explain (format json) `), which
 * PostgreSQL's position counts.
 */
export function learnerQueryFailure(learner: LearnerQuery, reported: PostgresError, prefixLength = 0): KindOutcome {
  const position = reported.position === undefined ? undefined : reported.position - prefixLength;
  const { line, column } = locateInStatement(learner.source, learner.statement, position);
  return outcome.failed(`${learner.file} line ${line}: ${describePostgresError(reported)}`, { location: { file: learner.file, line, column } });
}
