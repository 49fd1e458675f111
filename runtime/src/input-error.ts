// Bad input the CLI reports with exit status 2: a message that names the
// file, line and column, never a stack trace.

export class InputError extends Error {
  constructor(
    message: string,
    /** further lines, e.g. every diagnostic of a file */
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = "InputError";
  }
}
