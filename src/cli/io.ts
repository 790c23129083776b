/** Where the command-line commands write: the terminal, or a test's buffers. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
