/** What kind of statement a learner asks to explain: pure, so the editor decides without loading a driver. */

const WRITING = /^(insert|update|delete|merge|create|drop|alter|truncate|grant|revoke|comment|vacuum|analyze|cluster|reindex|refresh|copy|call|do|lock)\b/i;

/** The statement without leading comments and blanks, and without a trailing `;`. */
export function statementBody(sql: string): string {
  return sql
    .replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)+/, '')
    .trim()
    .replace(/;\s*$/, '');
}

/** Whether running the statement changes something (data, schema, settings): such an Analyze asks first. */
export function statementWrites(sql: string): boolean {
  const body = statementBody(sql);
  if (/^with\b/i.test(body)) return /\b(insert|update|delete|merge)\b/i.test(body);
  // SELECT ... INTO creates a table.
  if (/^select\b/i.test(body)) return /\binto\b/i.test(body);
  return WRITING.test(body);
}

/** Whether EXPLAIN can take the statement at all (not DDL, not a transaction command). */
export function explainable(sql: string): boolean {
  return /^(select|insert|update|delete|merge|values|table|with|execute|declare|create\s+table\s+\S+\s+as|create\s+materialized\s+view)\b/i.test(statementBody(sql));
}
