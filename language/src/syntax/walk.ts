// Walking expressions: parents before children, the order every consumer wants.

import type { Call, Expr } from "./ast.js";

/** Calls `f` on every expression, parents before children; `f` returning false skips the children. */
export function walkExpr(e: Expr, f: (e: Expr) => boolean | void): void {
  if (f(e) === false) return;
  switch (e.kind) {
    case "call":
      for (let i = 0; i < e.argCount; i++) walkExpr(e.arg(i), f);
      for (const o of e.options) for (const v of o.values) walkExpr(v, f);
      break;
    case "quantifier":
      walkExpr(e.body, f);
      break;
    default:
      break;
  }
}

/** Calls `f` on every call inside an expression. */
export function visitCalls(e: Expr, f: (c: Call) => void): void {
  walkExpr(e, (x) => {
    if (x.kind === "call") f(x);
  });
}
