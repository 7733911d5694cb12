/*
 * Where a presenter writes: the command itself (SfCommand's log, warn and logToStderr), so --json still silences
 * stdout and still gathers the warnings, exactly as when the command wrote them.
 */
export type CommandOutput = {
  log(text: string): void;
  warn(text: string): void;
  logToStderr(text: string): void;
};
