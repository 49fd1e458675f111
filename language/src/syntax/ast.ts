// The abstract syntax of a .craft file. Every node carries its exact source
// range. The parser always returns a Program, with error nodes where text
// could not be understood, so later stages work on broken files too.

import type { Range } from "./source.js";

export interface Node {
  /**
   * A parsed node is its own range (it has start and end, see forms.ts), so
   * copy a range that must outlive or stay apart from the AST.
   */
  readonly range: Range;
}

// ---- expressions ----------------------------------------------------------

export type Expr = Literal | NameRef | Call | Quantifier | ErrorExpr;

export type LiteralValue =
  | { readonly type: "num"; readonly value: number }
  | { readonly type: "str"; readonly value: string }
  /** 'open and 'open' both denote the symbol `open` */
  | { readonly type: "sym"; readonly value: string }
  | { readonly type: "bool"; readonly value: boolean }
  /** durations keep their unit; `5s` is 5 seconds, `200ms` is 0.2 seconds */
  | { readonly type: "duration"; readonly seconds: number; readonly text: string };

export interface Literal extends Node {
  readonly kind: "literal";
  readonly literal: LiteralValue;
}

/** A bare name (`mug`) or dotted path (`machine.door`, `x.isDirty`). */
export interface NameRef extends Node {
  readonly kind: "name";
  /** path segments; `machine.door` is ["machine", "door"] */
  readonly parts: readonly string[];
  /** range of each segment */
  readonly partRanges: readonly Range[];
}

/** A keyword option inside a call: `:within 5s`, `:between 3 10`. */
export interface CallOption extends Node {
  readonly keyword: string;
  readonly keywordRange: Range;
  readonly values: readonly Expr[];
}

/** `(op arg...)`, with any keyword options found among the arguments. */
export interface Call extends Node {
  readonly kind: "call";
  readonly op: string;
  readonly opRange: Range;
  readonly args: readonly Expr[];
  /** args.length, and args[i], without making the parsed node's args array (see CallNode in forms.ts) */
  readonly argCount: number;
  arg(i: number): Expr;
  readonly options: readonly CallOption[];
}

/** `(forall (x Mug) body)` / `(exists (x Mug) body)` */
export interface Quantifier extends Node {
  readonly kind: "quantifier";
  readonly quantifier: "forall" | "exists";
  readonly variable: string;
  readonly variableRange: Range;
  readonly typeName: string;
  readonly typeRange: Range;
  readonly body: Expr;
}

/** Text that is not an expression; the parser has already reported it. */
export interface ErrorExpr extends Node {
  readonly kind: "error";
}

// ---- top-level forms -------------------------------------------------------

export type Form = TaskForm | ObjectForm | DefineForm | ConstraintForm | TypeForm | ModelForm;

export interface TaskForm extends Node {
  readonly kind: "task";
  readonly name: string;
  readonly nameRange: Range;
  readonly instruction?: string;
  readonly goal?: string;
}

/** `(object mug Mug :id "Mug|+01.20|+00.90|-00.30")` */
export interface ObjectForm extends Node {
  readonly kind: "object";
  readonly name: string;
  readonly nameRange: Range;
  readonly typeName?: string;
  readonly typeRange?: Range;
  readonly id?: string;
  readonly idRange?: Range;
}

export interface Param extends Node {
  readonly name: string;
  /** optional annotation: `(define (clean (x Mug)) …)` */
  readonly typeName?: string;
  readonly typeRange?: Range;
}

/** `(define (clean x) (not x.isDirty))` */
export interface DefineForm extends Node {
  readonly kind: "define";
  readonly name: string;
  readonly nameRange: Range;
  readonly params: readonly Param[];
  readonly body: Expr;
}

export type ConstraintType = "pre" | "post" | "invariant" | "goal" | "causal";
export type Severity = "hard" | "soft";

/** One argument of an action pattern: a name to match, or `_` for any. */
export interface PatternArg extends Node {
  readonly name: string;
}

/** `:action (PutObject mug coffee_machine)` */
export interface ActionPattern extends Node {
  readonly name: string;
  readonly nameRange: Range;
  readonly args: readonly PatternArg[];
}

export interface ConstraintForm extends Node {
  readonly kind: "constraint";
  readonly id: string;
  readonly idRange: Range;
  readonly type: ConstraintType;
  readonly severity: Severity;
  readonly action?: ActionPattern;
  readonly description?: string;
  /** the formula; an ErrorExpr when the constraint has none */
  readonly body: Expr;
}

/** `(type Ball :attrs (mass Num) (color Enum{red,blue}))` */
export interface TypeForm extends Node {
  readonly kind: "type";
  readonly name: string;
  readonly nameRange: Range;
  readonly attrs: readonly AttrDecl[];
}

export interface AttrDecl extends Node {
  readonly name: string;
  readonly typeText: string;
  readonly typeRange: Range;
}

/** `(model physics "models/rigid.safetensors")` */
export interface ModelForm extends Node {
  readonly kind: "model";
  readonly name: string;
  readonly nameRange: Range;
  readonly path: string;
  readonly pathRange: Range;
}

export interface Program {
  readonly text: string;
  readonly forms: readonly Form[];
}
