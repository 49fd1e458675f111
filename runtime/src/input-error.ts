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

/** Why a file could not be read, in words ("no such file", "permission denied"). */
export function fileProblem(error: unknown, missing = "no such file"): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return missing;
  if (code === "EISDIR") return "is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return error instanceof Error ? error.message : String(error);
}
