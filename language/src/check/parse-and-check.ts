// Parse and check in one pass over the text: the checker takes each form as
// the parser builds it, while the form is still in the processor's caches,
// instead of walking the whole AST again afterwards (for a large file that
// second walk runs from main memory). The result is exactly that of
// `check(parse(text).program, options)`: checking form by form is exact when
// every object, define and type form comes before the first constraint, as
// files are usually written; when one comes later, the program is checked
// again the usual way.

import { parse, type ParseResult } from "../syntax/parse.js";
import type { Form } from "../syntax/ast.js";
import { check, checkedProgram, newChecker, type CheckedProgram, type CheckOptions } from "./checker.js";

export interface ParsedAndChecked {
  readonly parsed: ParseResult;
  readonly checked: CheckedProgram;
}

/** `parse(text)` and `check` of its program, in one pass. */
export function parseAndCheck(text: string, options: CheckOptions = {}): ParsedAndChecked {
  const checker = newChecker(options);
  let inOrder = true;
  const take = (form: Form): void => {
    if (!inOrder) return;
    if (form.kind === "constraint") {
      if (!checker.sealed) checker.seal();
      checker.declare(form);
      checker.checkConstraint(form);
    } else if (checker.sealed && (form.kind === "object" || form.kind === "define" || form.kind === "type")) {
      // a declaration after a checked constraint could change what that constraint means
      inOrder = false;
    } else {
      checker.declare(form);
    }
  };
  const parsed = parse(text, take);
  if (!inOrder) return { parsed, checked: check(parsed.program, options) };
  if (!checker.sealed) checker.seal();
  return { parsed, checked: checkedProgram(parsed.program, checker) };
}
