// The built-in predicates and functions of the language, with signatures.
// Their evaluation lives in compile/; this table is what the checker, the
// completion list and hover read.

import type { Signature, OptionSpec } from "./signature.js";
import { Any, AnyObj, Bool, Num, Sym, type Type } from "./types.js";

export type BuiltinKind = "logic" | "compare" | "arith" | "relation" | "state" | "geometry" | "temporal";

export interface Builtin extends Signature {
  readonly kind: BuiltinKind;
}

/** State predicates read one AI2THOR state field of an object. */
export const statePredicateFields: Readonly<Record<string, string>> = {
  is_open: "isOpen",
  is_on: "isToggled",
  filled: "isFilledWithLiquid",
  dirty: "isDirty",
  cooked: "isCooked",
  sliced: "isSliced",
  broken: "isBroken",
  picked_up: "isPickedUp",
  used_up: "isUsedUp",
};

const within: OptionSpec = { keyword: "within", arity: 1, doc: "window: frames (a number) or time (a duration such as 5s)" };
const between: OptionSpec = { keyword: "between", arity: 2, doc: "window from A to B back (frames or durations)" };
const from: OptionSpec = { keyword: "from", arity: 1, doc: "at least this far back, no upper bound" };

function b(kind: BuiltinKind, name: string, params: [string, Type, boolean?][], result: Type, doc: string, extra: Partial<Builtin> = {}): Builtin {
  return {
    kind,
    name,
    params: params.map(([n, type, optional]) => (optional ? { name: n, type, optional } : { name: n, type })),
    result,
    doc,
    ...extra,
  };
}

const list: Builtin[] = [
  b("logic", "and", [["a", Bool]], Bool, "True when every argument is true (Kleene: false wins with the most confident false child).", { rest: { name: "rest", type: Bool } }),
  b("logic", "or", [["a", Bool]], Bool, "True when some argument is true (Kleene: true wins with the most confident true child).", { rest: { name: "rest", type: Bool } }),
  b("logic", "not", [["a", Bool]], Bool, "Swaps true and false; unknown stays unknown; confidence is kept."),
  b("logic", "implies", [["a", Bool], ["b", Bool]], Bool, "(implies a b) is (or (not a) b)."),
  b("compare", "eq", [["a", Any], ["b", Any]], Bool, "Equality of two values of comparable types; an object attribute against a literal reports source state_equality."),
  b("compare", "neq", [["a", Any], ["b", Any]], Bool, "Inequality: (not (eq a b))."),
  b("compare", "<", [["a", Num], ["b", Num]], Bool, "Numeric less-than."),
  b("compare", "<=", [["a", Num], ["b", Num]], Bool, "Numeric less-or-equal."),
  b("compare", ">", [["a", Num], ["b", Num]], Bool, "Numeric greater-than."),
  b("compare", ">=", [["a", Num], ["b", Num]], Bool, "Numeric greater-or-equal."),
  b("arith", "+", [["a", Num]], Num, "Sum.", { rest: { name: "rest", type: Num } }),
  b("arith", "-", [["a", Num], ["b", Num, true]], Num, "Difference, or negation with one argument."),
  b("arith", "*", [["a", Num]], Num, "Product.", { rest: { name: "rest", type: Num } }),
  b("arith", "/", [["a", Num], ["b", Num]], Num, "Quotient; division by zero is unknown."),
  b("arith", "abs", [["a", Num]], Num, "Absolute value."),
  b("geometry", "distance", [["a", AnyObj], ["b", AnyObj]], Num, "Euclidean distance between the objects' positions (metres)."),
  b("relation", "inside", [["a", AnyObj], ["b", AnyObj]], Bool, "a is inside receptacle b: the scene graph's `inside` edge, else bounding-box containment."),
  b("relation", "on_top_of", [["a", AnyObj], ["b", AnyObj]], Bool, "a rests on b: the scene graph's `on_top_of` edge, else bounding-box support contact."),
  b("relation", "near", [["a", AnyObj], ["b", AnyObj], ["threshold", Num, true]], Bool, "a is near b: a `near` edge, else position distance within threshold (default 0.5 m)."),
  b("relation", "holding", [["a", AnyObj], ["b", AnyObj, true]], Bool, "(holding x): the robot holds x (isPickedUp or a `holding` edge); (holding agent x): a `holding` edge."),
  b("state", "visible", [["x", AnyObj]], Bool, "The object is visible in this frame."),
  b("state", "filled", [["x", AnyObj], ["liquid", Sym, true]], Bool, "isFilledWithLiquid, and with a liquid argument also fillLiquid equals it: (filled mug 'coffee)."),
  ...Object.entries(statePredicateFields)
    .filter(([name]) => name !== "filled")
    .map(([name, field]) => b("state", name, [["x", AnyObj]], Bool, `The object's AI2THOR state field ${field} is true.`)),
  b("temporal", "once", [["a", Bool]], Bool, "a held at some past or present frame (within the window).", { options: [within, between, from] }),
  b("temporal", "historically", [["a", Bool]], Bool, "a held at every past and present frame (within the window).", { options: [within, between, from] }),
  b("temporal", "since", [["a", Bool], ["b", Bool]], Bool, "b held at some frame (within the window) and a has held ever since.", { options: [within, between, from] }),
  b("temporal", "prev", [["a", Bool]], Bool, "a held at the previous frame."),
  b("temporal", "eventually", [["a", Bool]], Bool, "a holds at some present or future frame (within the window); unknown until the trace settles it.", { options: [within, between, from] }),
  b("temporal", "always", [["a", Bool]], Bool, "a holds at every present and future frame (within the window).", { options: [within, between, from] }),
  b("temporal", "until", [["a", Bool], ["b", Bool]], Bool, "b holds at some present or future frame (within the window) and a holds until then.", { options: [within, between, from] }),
  b("temporal", "next", [["a", Bool]], Bool, "a holds at the next frame."),
  b("temporal", "before", [["a", Bool], ["b", Bool]], Bool, "a first held strictly before b first held (false if b happens first or a never does)."),
];

export const builtins: ReadonlyMap<string, Builtin> = new Map(list.map((x) => [x.name, x]));

/** Heads of list expressions that are special forms rather than calls. */
export const specialForms: readonly string[] = ["forall", "exists"];
