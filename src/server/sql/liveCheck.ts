/**
 * A SQL file checked against the lab's running database, without changing it: in one transaction that
 * is always rolled back, each statement that EXPLAIN takes is explained (never run), and each statement
 * that shapes the schema (CREATE, ALTER, DROP, ...) is run inside a savepoint, so that the statements
 * after it see its tables. What PostgreSQL rejects (an unknown table or column, a type that does not
 * fit, a function that does not exist) becomes a problem at the place PostgreSQL names.
 */
import { closeClient, connectPostgres, postgresErrorOf, queryText } from '../../core/checks/postgres/connection';
import type { SqlStatement } from '../../core/checks/postgres/statements';
import type { PostgresEndpoint } from '../../core/checks/types';
import { explainable, statementBody } from '../../core/plans/statementKinds';

/** More statements than this are not checked: a file that big is data, not a learner's query. */
export const MAX_CHECKED_STATEMENTS = 500;

/** Shape the schema, and run inside a transaction. */
const SHAPING = /^(create|alter|drop|comment|grant|revoke|set)\b/i;
/** Cannot run inside a transaction block, or must not run at all from an editor. */
const SKIPPED = /^(create\s+database|drop\s+database|create\s+tablespace|drop\s+tablespace|alter\s+system|vacuum|reindex|cluster|refresh\s+materialized\s+view\s+concurrently|create\s+(unique\s+)?index\s+concurrently|drop\s+index\s+concurrently|begin|start|commit|end|rollback|savepoint|release|prepare\s+transaction|copy|\\)/i;

export interface LiveProblem {
  readonly statement: SqlStatement;
  /** UTF-16 offset within the statement's text (its start when PostgreSQL named no place). */
  readonly offset: number;
  /** PostgreSQL's message, with its SQLSTATE: `column "amout" does not exist (42703)`. */
  readonly message: string;
}

/** The UTF-16 offset in `text` of PostgreSQL's 1-based character position. */
function offsetOfPosition(text: string, position: number): number {
  let offset = 0;
  let characters = 1;
  for (const character of text) {
    if (characters >= position) break;
    offset += character.length;
    characters += 1;
  }
  return offset;
}

export async function checkAgainstDatabase(endpoint: PostgresEndpoint, statements: readonly SqlStatement[], signal: AbortSignal): Promise<LiveProblem[]> {
  const client = await connectPostgres(endpoint, signal);
  const problems: LiveProblem[] = [];
  try {
    await queryText(client, 'begin', signal);
    await queryText(client, "set local statement_timeout = '2s'; set local lock_timeout = '1s'", signal);
    for (const statement of statements.slice(0, MAX_CHECKED_STATEMENTS)) {
      if (signal.aborted) break;
      const body = statementBody(statement.text);
      if (body === '' || SKIPPED.test(body)) continue;
      const explain = explainable(body);
      if (!explain && !SHAPING.test(body)) continue;
      const prefix = explain ? 'explain ' : '';
      const leading = statement.text.indexOf(body.slice(0, 20));
      await queryText(client, 'savepoint delabs_check', signal);
      try {
        await queryText(client, `${prefix}${body}`, signal);
        await queryText(client, 'release savepoint delabs_check', signal);
      } catch (error) {
        const reported = postgresErrorOf(error);
        await queryText(client, 'rollback to savepoint delabs_check', signal);
        if (!reported) throw error;
        // 25001: the statement cannot run in a transaction block; nothing is known of it then.
        if (reported.code === '25001') continue;
        const inBody = reported.position !== undefined ? offsetOfPosition(`${prefix}${body}`, reported.position) - prefix.length : 0;
        problems.push({ statement, offset: Math.max(0, leading) + Math.max(0, inBody), message: `${reported.message} (${reported.code})` });
      }
    }
  } finally {
    await queryText(client, 'rollback', signal).catch(() => undefined);
    await closeClient(client);
  }
  return problems;
}
