import { format } from 'sql-formatter';
import type { KeywordCase } from './settings';

export interface SqlFormatOptions {
  readonly keywordCase: KeywordCase;
  readonly tabWidth: number;
  readonly useTabs: boolean;
}

/** Raised for SQL the formatter cannot tokenise; the message names the line and column it stopped at. */
export class SqlFormatError extends Error {
  override readonly name = 'SqlFormatError';
}

/**
 * Formats PostgreSQL with sql-formatter. Comments and dollar-quoted bodies are kept as written;
 * a trailing newline is kept when the input had one.
 */
export function formatSql(text: string, options: SqlFormatOptions): string {
  if (text.trim() === '') return text;
  let formatted: string;
  try {
    formatted = format(text, {
      language: 'postgresql',
      keywordCase: options.keywordCase,
      tabWidth: options.tabWidth,
      useTabs: options.useTabs,
      linesBetweenQueries: 1,
    });
  } catch (error) {
    // sql-formatter appends the dialect on a second line; the first line says what and where.
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.trim() ?? '';
    throw new SqlFormatError(`The SQL could not be formatted: ${detail}`);
  }
  return /\r?\n$/.test(text) ? `${formatted}\n` : formatted;
}
