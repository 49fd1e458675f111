// S-expressions to AST: recognizes the top-level forms and expressions of the
// language ("The language" in DESIGN.md). Never throws: what it cannot
// understand becomes a "syntax" diagnostic and, inside expressions, an
// ErrorExpr, so later stages still see the rest of the file.
//
// Expression and constraint nodes, which a large file has by the thousand,
// carry their positions as numbers and are their own ranges (see "nodes"
// below); the rarer forms share their range objects with the S-expression
// tree. Either way parsing a large file allocates little beyond the nodes.

import type { Diagnostic } from "../check/diagnostics.js";
import { builtins } from "../check/builtins.js";
import { didYouMean } from "../check/suggest.js";
import type {
  ActionPattern,
  AttrDecl,
  Call,
  CallOption,
  ConstraintForm,
  ConstraintType,
  DefineForm,
  ErrorExpr,
  Expr,
  Form,
  Literal,
  LiteralValue,
  ModelForm,
  NameRef,
  ObjectForm,
  Param,
  PatternArg,
  Program,
  Quantifier,
  Severity,
  TaskForm,
  TypeForm,
} from "./ast.js";
import { decodeString, quotedName } from "./lexer.js";
import { isKeyword, isSymbol, type SAtom, type SExpr, type SList } from "./sexpr.js";
import type { Range } from "./source.js";

export const FORM_NAMES = ["task", "object", "define", "constraint", "type", "model"] as const;
export const CONSTRAINT_TYPES: readonly ConstraintType[] = ["pre", "post", "invariant", "goal", "causal"];
export const SEVERITIES: readonly Severity[] = ["hard", "soft"];
export const CONSTRAINT_OPTIONS = ["type", "severity", "action", "description"] as const;
export const TASK_OPTIONS = ["instruction", "goal"] as const;
export const OBJECT_OPTIONS = ["id"] as const;
export const TYPE_OPTIONS = ["attrs"] as const;

/** How many values a keyword option of a call takes: `:between` 2, any other 1. */
export function optionArity(keyword: string): number {
  return keyword === "between" ? 2 : 1;
}

const NO_OPTIONS: readonly CallOption[] = Object.freeze([]);
const NO_ARGS: readonly Expr[] = Object.freeze([]);

/** Builds AST from S-expressions, collecting diagnostics. */
export class FormBuilder {
  /** the options the form being built has given so far, one bit each */
  private seen = 0;

  constructor(readonly diagnostics: Diagnostic[]) {}

  program(text: string, sexprs: readonly SExpr[]): Program {
    const forms: Form[] = [];
    for (let i = 0; i < sexprs.length; i++) {
      const form = this.form(sexprs[i]!);
      if (form !== undefined) forms.push(form);
    }
    return { text, forms };
  }

  // ---- top-level forms --------------------------------------------------------

  form(e: SExpr): Form | undefined {
    if (e.kind === "atom") {
      this.error(e.range, `expected a form such as (constraint …) at the top level, found ${describe(e)}`);
      return undefined;
    }
    const head = e.items[0];
    if (head === undefined) {
      this.error(e.range, `empty form (); expected one of ${formList()}`);
      return undefined;
    }
    if (head.kind !== "atom" || head.token !== "symbol") {
      this.error(head.range, `a form starts with its name (${formList()}), found ${describe(head)}`);
      return undefined;
    }
    switch (head.text) {
      case "constraint":
        return this.constraint(e, head);
      case "define":
        return this.define(e, head);
      case "object":
        return this.object(e, head);
      case "task":
        return this.task(e, head);
      case "type":
        return this.typeForm(e, head);
      case "model":
        return this.model(e, head);
      default: {
        const suggestion = didYouMean(head.text, FORM_NAMES);
        const hint = suggestion !== undefined ? `; did you mean '${suggestion}'?` : `; expected one of ${formList()}`;
        this.error(head.range, `unknown form '${head.text}'${hint}`, suggestion);
        return undefined;
      }
    }
  }

  private constraint(list: SList, head: SAtom): ConstraintForm | undefined {
    const items = list.items;
    const idAtom = items[1];
    if (idAtom === undefined || idAtom.kind !== "atom" || (idAtom.token !== "symbol" && idAtom.token !== "number")) {
      this.missing(head, idAtom, "a constraint needs an id: (constraint C1 … formula)");
      return undefined;
    }
    let type: ConstraintType = "invariant";
    let severity: Severity = "hard";
    let action: ActionPattern | undefined;
    let description: string | undefined;
    let body: Expr | undefined;
    this.seen = 0;
    for (let i = 2; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === "atom" && item.token === "keyword") {
        const key = optionName(item.text);
        if (!this.known(item, key, CONSTRAINT_OPTIONS, "constraint")) {
          // skip the unknown option's value, unless that is the formula (the last item)
          const next = items[i + 1];
          if (next !== undefined && !isKeyword(next) && !(body === undefined && next.kind === "list" && i + 2 === items.length)) i++;
          continue;
        }
        const value = this.optionValue(items, i);
        if (value !== undefined) i++;
        if (!this.once(item, key, CONSTRAINT_OPTIONS) || value === undefined) continue;
        switch (key) {
          case "type": {
            const t = this.choice(value, CONSTRAINT_TYPES, "constraint type");
            if (t !== undefined) type = t;
            break;
          }
          case "severity": {
            const s = this.choice(value, SEVERITIES, "severity");
            if (s !== undefined) severity = s;
            break;
          }
          case "action":
            action = this.actionPattern(value);
            break;
          case "description":
            description = this.string(value, ":description");
            break;
        }
      } else if (body === undefined) {
        body = this.expr(item);
      } else {
        this.error(
          { start: item.range.start, end: items[items.length - 1]!.range.end },
          `constraint ${idAtom.text} has more than one formula; combine them with (and …)`,
        );
        break;
      }
    }
    if (body === undefined) {
      this.error(idAtom.range, `constraint ${idAtom.text} has no formula`);
      body = this.errorAt(endOf(list));
    }
    return new ConstraintNode(list.start, list.end, idAtom.text, idAtom.start - list.start, type, severity, action, description, body);
  }

  private define(list: SList, head: SAtom): DefineForm | undefined {
    const items = list.items;
    const sig = items[1];
    if (sig === undefined || sig.kind !== "list" || !isSymbol(sig.items[0])) {
      this.missing(head, sig, "expected (define (name param…) body)");
      return undefined;
    }
    const nameAtom = sig.items[0] as SAtom;
    const params: Param[] = [];
    for (let i = 1; i < sig.items.length; i++) {
      const p = sig.items[i]!;
      if (isSymbol(p)) {
        params.push({ range: p.range, name: p.text, typeName: undefined, typeRange: undefined });
      } else if (p.kind === "list" && p.items.length === 2 && isSymbol(p.items[0]) && isSymbol(p.items[1])) {
        const [n, t] = p.items as [SAtom, SAtom];
        params.push({ range: p.range, name: n.text, typeName: t.text, typeRange: t.range });
      } else {
        this.error(p.range, `a parameter is a name or (name Type), found ${describe(p)}`);
      }
    }
    let body: Expr;
    const bodyItem = items[2];
    if (bodyItem === undefined) {
      this.error(nameAtom.range, `define ${nameAtom.text} has no body`);
      body = this.errorAt(endOf(list));
    } else {
      body = this.expr(bodyItem);
      if (items.length > 3) {
        this.error(
          { start: items[3]!.range.start, end: items[items.length - 1]!.range.end },
          `define ${nameAtom.text} has more than one body expression`,
        );
      }
    }
    return { kind: "define", range: list.range, name: nameAtom.text, nameRange: nameAtom.range, params, body };
  }

  private object(list: SList, head: SAtom): ObjectForm | undefined {
    const items = list.items;
    const nameAtom = items[1];
    if (!isSymbol(nameAtom)) {
      this.missing(head, nameAtom, "expected (object name [Type] [:id \"…\"])");
      return undefined;
    }
    let typeAtom: SAtom | undefined;
    let id: string | undefined;
    let idRange: Range | undefined;
    this.seen = 0;
    for (let i = 2; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === "atom" && item.token === "keyword") {
        const { value, used } = this.option(items, i, OBJECT_OPTIONS, "object");
        i += used;
        if (value === undefined) continue;
        id = this.string(value, ":id");
        if (id !== undefined) idRange = value.range;
      } else if (typeAtom === undefined && i === 2 && isSymbol(item)) {
        typeAtom = item;
      } else {
        this.error(item.range, `unexpected ${describe(item)} in object ${nameAtom.text}; expected (object name [Type] [:id "…"])`);
      }
    }
    return {
      kind: "object",
      range: list.range,
      name: nameAtom.text,
      nameRange: nameAtom.range,
      typeName: typeAtom?.text,
      typeRange: typeAtom?.range,
      id,
      idRange,
    };
  }

  private task(list: SList, head: SAtom): TaskForm | undefined {
    const items = list.items;
    const nameAtom = items[1];
    if (!isSymbol(nameAtom)) {
      this.missing(head, nameAtom, 'expected (task name :instruction "…" :goal "…")');
      return undefined;
    }
    let instruction: string | undefined;
    let goal: string | undefined;
    this.seen = 0;
    for (let i = 2; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === "atom" && item.token === "keyword") {
        const { key, value, used } = this.option(items, i, TASK_OPTIONS, "task");
        i += used;
        if (value === undefined) continue;
        if (key === "instruction") instruction = this.string(value, ":instruction");
        else goal = this.string(value, ":goal");
      } else {
        this.error(item.range, `unexpected ${describe(item)} in task ${nameAtom.text}; expected :instruction "…" or :goal "…"`);
      }
    }
    return {
      kind: "task",
      range: list.range,
      name: nameAtom.text,
      nameRange: nameAtom.range,
      instruction,
      goal,
    };
  }

  private typeForm(list: SList, head: SAtom): TypeForm | undefined {
    const items = list.items;
    const nameAtom = items[1];
    if (!isSymbol(nameAtom)) {
      this.missing(head, nameAtom, "expected (type Name :attrs (attr Type)…)");
      return undefined;
    }
    const attrs: AttrDecl[] = [];
    let inAttrs = false;
    for (let i = 2; i < items.length; i++) {
      const item = items[i]!;
      if (item.kind === "atom" && item.token === "keyword") {
        const key = optionName(item.text);
        inAttrs = this.known(item, key, TYPE_OPTIONS, "type");
      } else if (!inAttrs) {
        this.error(item.range, `unexpected ${describe(item)} in type ${nameAtom.text}; attributes follow :attrs`);
      } else if (item.kind === "list" && item.items.length === 2 && isSymbol(item.items[0]) && isSymbol(item.items[1])) {
        const [n, t] = item.items as [SAtom, SAtom];
        attrs.push({ range: item.range, name: n.text, typeText: t.text, typeRange: t.range });
      } else {
        this.error(item.range, "an attribute is (name Type), e.g. (mass Num) or (color Enum{red,blue}) with no spaces in the type");
      }
    }
    return { kind: "type", range: list.range, name: nameAtom.text, nameRange: nameAtom.range, attrs };
  }

  private model(list: SList, head: SAtom): ModelForm | undefined {
    const items = list.items;
    const nameAtom = items[1];
    const pathAtom = items[2];
    if (!isSymbol(nameAtom)) {
      this.missing(head, nameAtom, 'expected (model name "path")');
      return undefined;
    }
    if (pathAtom === undefined || pathAtom.kind !== "atom" || pathAtom.token !== "string") {
      this.missing(nameAtom, pathAtom, `model ${nameAtom.text} needs a path: (model ${nameAtom.text} "models/weights.safetensors")`);
      return undefined;
    }
    if (items.length > 3) {
      this.error({ start: items[3]!.range.start, end: items[items.length - 1]!.range.end }, `unexpected text after the path of model ${nameAtom.text}`);
    }
    return {
      kind: "model",
      range: list.range,
      name: nameAtom.text,
      nameRange: nameAtom.range,
      path: decodeString(pathAtom.text),
      pathRange: pathAtom.range,
    };
  }

  private actionPattern(e: SExpr): ActionPattern | undefined {
    if (e.kind !== "list" || !isSymbol(e.items[0])) {
      this.error(e.range, "expected an action pattern such as (PutObject mug _)");
      return undefined;
    }
    const name = e.items[0] as SAtom;
    const args: PatternArg[] = new Array<PatternArg>(e.items.length - 1);
    let n = 0;
    for (let i = 1; i < e.items.length; i++) {
      const a = e.items[i]!;
      if (isSymbol(a)) args[n++] = new PatternArgNode(a.start, a.end, a.text);
      else this.error(a.range, `an action pattern argument is a name or _, found ${describe(a)}`);
    }
    args.length = n;
    return new ActionNode(e.start, e.end, name.text, name.start - e.start, args);
  }

  // ---- expressions ---------------------------------------------------------------

  expr(e: SExpr): Expr {
    return e.kind === "atom" ? this.atomExpr(e) : this.listExpr(e);
  }

  private atomExpr(a: SAtom): Expr {
    const start = a.start;
    const end = a.end;
    switch (a.token) {
      case "symbol": {
        const text = a.text;
        if (text === "true") return new LiteralNode(start, end, TRUE);
        if (text === "false") return new LiteralNode(start, end, FALSE);
        if (text.indexOf(".") < 0) return new NameNode(start, end, singlePart(text));
        return this.dottedName(a);
      }
      case "number": {
        const literal = literalOf(a.text, numberLiteral);
        // undefined: a malformed number, already reported by the lexer
        return literal !== undefined ? new LiteralNode(start, end, literal) : new ErrorNode(start, end);
      }
      case "duration":
        return new LiteralNode(start, end, literalOf(a.text, durationLiteral)!);
      case "string":
        return new LiteralNode(start, end, { type: "str", value: decodeString(a.text) });
      case "quoted":
        return new LiteralNode(start, end, literalOf(a.text, symLiteral)!);
      case "keyword":
        this.error(a.range, `unexpected option ${a.text} here; options follow an operator, as in (eventually ${a.text} … φ)`);
        return new ErrorNode(start, end);
    }
  }

  private dottedName(a: SAtom): Expr {
    const parts = dottedParts(a.text);
    if (parts.includes("")) {
      this.error(a.range, `'${a.text}' is not a name: a dotted path is name.attr with no empty parts`);
      return new ErrorNode(a.start, a.end);
    }
    return new NameNode(a.start, a.end, parts);
  }

  private listExpr(list: SList): Expr {
    const items = list.items;
    const head = items[0];
    if (head === undefined) {
      this.error(list.range, "empty expression (); expected (operator argument…)");
      return new ErrorNode(list.start, list.end);
    }
    if (head.kind !== "atom" || head.token !== "symbol") {
      this.error(head.range, `expected an operator name after '(', found ${describe(head)}`);
      return new ErrorNode(list.start, list.end);
    }
    const op = operatorName(head.text);
    if (op === "forall" || op === "exists") return this.quantifier(list, head, op);

    let keywords = 0;
    for (let i = 1; i < items.length; i++) if (isKeyword(items[i])) keywords++;
    if (keywords === 0) {
      // the common case: one or two arguments, held by the node itself (see CallNode)
      const opOffset = head.start - list.start;
      switch (items.length) {
        case 1:
          return new CallNode(list.start, list.end, op, opOffset, 0, undefined, undefined, NO_ARGS, NO_OPTIONS);
        case 2:
          return new CallNode(list.start, list.end, op, opOffset, 1, this.expr(items[1]!), undefined, undefined, NO_OPTIONS);
        case 3: {
          const first = this.expr(items[1]!);
          return new CallNode(list.start, list.end, op, opOffset, 2, first, this.expr(items[2]!), undefined, NO_OPTIONS);
        }
        default: {
          const args = new Array<Expr>(items.length - 1);
          for (let i = 1; i < items.length; i++) args[i - 1] = this.expr(items[i]!);
          return new CallNode(list.start, list.end, op, opOffset, args.length, args[0], args[1], args, NO_OPTIONS);
        }
      }
    }
    const args: Expr[] = [];
    const options: CallOption[] = [];
    for (let i = 1; i < items.length; i++) {
      const item = items[i]!;
      if (isKeyword(item)) {
        const keyword = optionName(item.text);
        const arity = optionArity(keyword);
        const values: Expr[] = [];
        while (values.length < arity && i + 1 < items.length && !isKeyword(items[i + 1])) values.push(this.expr(items[++i]!));
        const end = values.length > 0 ? values[values.length - 1]!.range.end : item.end;
        options.push(new OptionNode(item.start, end, keyword, item.range, values));
      } else {
        args.push(this.expr(item));
      }
    }
    const all = args.length > 0 ? args : NO_ARGS;
    return new CallNode(list.start, list.end, op, head.start - list.start, all.length, all[0], all[1], all, options);
  }

  private quantifier(list: SList, head: SAtom, quantifier: "forall" | "exists"): Expr {
    const items = list.items;
    const binder = items[1];
    const bodyItem = items[2];
    const usage = `expected (${quantifier} (x Type) body)`;
    const body = bodyItem !== undefined ? this.expr(bodyItem) : undefined;
    if (binder === undefined || binder.kind !== "list" || binder.items.length !== 2 || !isSymbol(binder.items[0]) || !isSymbol(binder.items[1])) {
      this.error(binder?.range ?? head.range, `${usage}: the variable and its type come first, as in (${quantifier} (m Mug) …)`);
      return new ErrorNode(list.start, list.end);
    }
    if (body === undefined) {
      this.error(head.range, `${usage}: the body is missing`);
      return new ErrorNode(list.start, list.end);
    }
    if (items.length > 3) {
      this.error({ start: items[3]!.range.start, end: items[items.length - 1]!.range.end }, `${usage}: combine several conditions with (and …)`);
    }
    const [v, t] = binder.items as [SAtom, SAtom];
    return new QuantifierNode(list.start, list.end, quantifier, v.text, v.range, t.text, t.range, body);
  }

  // ---- helpers ----------------------------------------------------------------------

  private error(range: Range, message: string, suggestion?: string): void {
    this.diagnostics.push(
      suggestion !== undefined
        ? { severity: "error", message, range, code: "syntax", suggestion }
        : { severity: "error", message, range, code: "syntax" },
    );
  }

  private errorAt(offset: number): ErrorExpr {
    return new ErrorNode(offset, offset);
  }

  /** Reports a missing or malformed required item (`found` undefined: missing). */
  private missing(before: SExpr, found: SExpr | undefined, message: string): void {
    this.error(found?.range ?? before.range, found === undefined ? message : `${message}; found ${describe(found)}`);
  }

  /** The value after the keyword at items[i], or undefined (reported) when there is none. */
  /**
   * The keyword option at items[i]: its name, and its value when the option
   * is known to the form, given once, and has one (else reported). `used` is
   * how many items after the keyword it took.
   */
  private option(items: readonly SExpr[], i: number, options: readonly string[], form: string): { key: string; value: SExpr | undefined; used: number } {
    const keyword = items[i] as SAtom;
    const key = optionName(keyword.text);
    const value = this.optionValue(items, i);
    const used = value === undefined ? 0 : 1;
    if (!this.known(keyword, key, options, form) || !this.once(keyword, key, options)) return { key, value: undefined, used };
    return { key, value, used };
  }

  private optionValue(items: readonly SExpr[], i: number): SExpr | undefined {
    const next = items[i + 1];
    const keyword = items[i] as SAtom;
    if (next === undefined || isKeyword(next)) {
      this.error(keyword.range, `option ${keyword.text} needs a value`);
      return undefined;
    }
    return next;
  }

  private known(keyword: SAtom, key: string, options: readonly string[], form: string): boolean {
    if (options.includes(key)) return true;
    const suggestion = didYouMean(key, options);
    const hint =
      suggestion !== undefined ? `; did you mean :${suggestion}?` : `; ${form} accepts ${options.map((o) => ":" + o).join(", ")}`;
    this.error(keyword.range, `unknown option ${keyword.text} for ${form}${hint}`, suggestion !== undefined ? ":" + suggestion : undefined);
    return false;
  }

  /** Whether this is the first time the form gives this (known) option. */
  private once(keyword: SAtom, key: string, options: readonly string[]): boolean {
    const bit = 1 << options.indexOf(key);
    if ((this.seen & bit) !== 0) {
      this.error(keyword.range, `option ${keyword.text} is given twice`);
      return false;
    }
    this.seen |= bit;
    return true;
  }

  private choice<T extends string>(value: SExpr, choices: readonly T[], what: string): T | undefined {
    if (value.kind === "atom" && value.token === "symbol" && (choices as readonly string[]).includes(value.text)) return value.text as T;
    const text = value.kind === "atom" ? (value.token === "quoted" ? quotedName(value.text) : value.text) : undefined;
    const suggestion =
      text === undefined ? undefined : (choices as readonly string[]).includes(text) ? text : didYouMean(text, choices);
    const hint = suggestion !== undefined ? `did you mean '${suggestion}'?` : `expected ${orList(choices)}`;
    this.error(value.range, `unknown ${what} ${describe(value)}; ${hint}`, suggestion);
    return undefined;
  }

  private string(value: SExpr, option: string): string | undefined {
    if (value.kind === "atom" && value.token === "string") return decodeString(value.text);
    this.error(value.range, `${option} takes a string in double quotes, found ${describe(value)}`);
    return undefined;
  }
}


// ---- nodes ---------------------------------------------------------------------------

// Expressions, constraints and action patterns are made of the classes
// below. Each node carries its start and end and is its own range (`range`
// returns the node, which has start and end), so a node costs no Range
// object; the ranges of its parts (an operator, an id, the segments of a
// path) are made when asked for, from offsets relative to the node's start.
// So moving a node's start and end (as incremental analysis does, in place)
// moves its parts too. Positions are writable for that reason only.

// (Public fields are declared, and set in the constructors: class field
// definitions cost several times as much per node on Node 20; so do
// JavaScript's #private fields, which is why the offsets are TypeScript-private.)

/** A node with its own position. */
class Positioned implements Range {
  declare start: number;
  declare end: number;

  constructor(start: number, end: number) {
    this.start = start;
    this.end = end;
  }

  get range(): Range {
    return this;
  }

  /** The range of a part of the node (an operator, an id, a name): `length` characters from `offset` past the node's start. */
  protected partRange(offset: number, length: number): Range {
    const start = this.start + offset;
    return { start, end: start + length };
  }
}

class LiteralNode extends Positioned implements Literal {
  declare readonly kind: "literal";
  declare readonly literal: LiteralValue;

  constructor(start: number, end: number, literal: LiteralValue) {
    super(start, end);
    this.kind = "literal";
    this.literal = literal;
  }
}

class ErrorNode extends Positioned implements ErrorExpr {
  declare readonly kind: "error";

  constructor(start: number, end: number) {
    super(start, end);
    this.kind = "error";
  }
}

/** A NameRef; its part ranges follow from the lengths of its parts (an atom has no spaces). */
class NameNode extends Positioned implements NameRef {
  declare readonly kind: "name";
  declare readonly parts: readonly string[];

  constructor(start: number, end: number, parts: readonly string[]) {
    super(start, end);
    this.kind = "name";
    this.parts = parts;
  }

  get partRanges(): readonly Range[] {
    const parts = this.parts;
    const ranges = new Array<Range>(parts.length);
    let offset = this.start;
    for (let i = 0; i < parts.length; i++) {
      const length = parts[i]!.length;
      ranges[i] = { start: offset, end: offset + length };
      offset += length + 1;
    }
    return ranges;
  }
}

/**
 * A call holds its first two arguments in fields of its own, and an array of
 * them only when it has more, or once `args` is asked for: most calls have
 * one or two, and an array per call was two more objects per call for the
 * garbage collector (which also moves such arrays to the old generation
 * early, after which every argument stored into one costs a write barrier).
 */
class CallNode extends Positioned implements Call {
  declare readonly kind: "call";
  declare readonly op: string;
  /** where the operator starts, from the call's start */
  declare private readonly opOffset: number;
  declare readonly argCount: number;
  declare private readonly arg0: Expr | undefined;
  declare private readonly arg1: Expr | undefined;
  /** every argument: given with more than two, else made by `args` */
  declare private argList: readonly Expr[] | undefined;
  declare readonly options: readonly CallOption[];

  constructor(
    start: number,
    end: number,
    op: string,
    opOffset: number,
    argCount: number,
    arg0: Expr | undefined,
    arg1: Expr | undefined,
    argList: readonly Expr[] | undefined,
    options: readonly CallOption[],
  ) {
    super(start, end);
    this.kind = "call";
    this.op = op;
    this.opOffset = opOffset;
    this.argCount = argCount;
    this.arg0 = arg0;
    this.arg1 = arg1;
    this.argList = argList;
    this.options = options;
  }

  arg(i: number): Expr {
    return i === 0 ? this.arg0! : i === 1 ? this.arg1! : this.argList![i]!;
  }

  get args(): readonly Expr[] {
    return (this.argList ??= this.argCount === 1 ? [this.arg0!] : [this.arg0!, this.arg1!]);
  }

  get opRange(): Range {
    return this.partRange(this.opOffset, this.op.length);
  }

  /** JSON shows the arguments as `args`, as the Call interface has them */
  toJSON(): object {
    return { start: this.start, end: this.end, kind: this.kind, op: this.op, opOffset: this.opOffset, args: this.args, options: this.options };
  }
}

class OptionNode extends Positioned implements CallOption {
  declare readonly keyword: string;
  declare readonly keywordRange: Range;
  declare readonly values: readonly Expr[];

  constructor(start: number, end: number, keyword: string, keywordRange: Range, values: readonly Expr[]) {
    super(start, end);
    this.keyword = keyword;
    this.keywordRange = keywordRange;
    this.values = values;
  }
}

class QuantifierNode extends Positioned implements Quantifier {
  declare readonly kind: "quantifier";
  declare readonly quantifier: "forall" | "exists";
  declare readonly variable: string;
  declare readonly variableRange: Range;
  declare readonly typeName: string;
  declare readonly typeRange: Range;
  declare readonly body: Expr;

  constructor(
    start: number,
    end: number,
    quantifier: "forall" | "exists",
    variable: string,
    variableRange: Range,
    typeName: string,
    typeRange: Range,
    body: Expr,
  ) {
    super(start, end);
    this.kind = "quantifier";
    this.quantifier = quantifier;
    this.variable = variable;
    this.variableRange = variableRange;
    this.typeName = typeName;
    this.typeRange = typeRange;
    this.body = body;
  }
}

class ConstraintNode extends Positioned implements ConstraintForm {
  declare readonly kind: "constraint";
  declare readonly id: string;
  /** where the id starts, from the form's start */
  declare private readonly idOffset: number;
  declare readonly type: ConstraintType;
  declare readonly severity: Severity;
  declare readonly action: ActionPattern | undefined;
  declare readonly description: string | undefined;
  declare readonly body: Expr;

  constructor(
    start: number,
    end: number,
    id: string,
    idOffset: number,
    type: ConstraintType,
    severity: Severity,
    action: ActionPattern | undefined,
    description: string | undefined,
    body: Expr,
  ) {
    super(start, end);
    this.kind = "constraint";
    this.id = id;
    this.idOffset = idOffset;
    this.type = type;
    this.severity = severity;
    this.action = action;
    this.description = description;
    this.body = body;
  }

  get idRange(): Range {
    return this.partRange(this.idOffset, this.id.length);
  }
}

class ActionNode extends Positioned implements ActionPattern {
  declare readonly name: string;
  /** where the action's name starts, from the pattern's start */
  declare private readonly nameOffset: number;
  declare readonly args: readonly PatternArg[];

  constructor(start: number, end: number, name: string, nameOffset: number, args: readonly PatternArg[]) {
    super(start, end);
    this.name = name;
    this.nameOffset = nameOffset;
    this.args = args;
  }

  get nameRange(): Range {
    return this.partRange(this.nameOffset, this.name.length);
  }
}

class PatternArgNode extends Positioned implements PatternArg {
  declare readonly name: string;

  constructor(start: number, end: number, name: string) {
    super(start, end);
    this.name = name;
  }
}

// ---- shared immutable pieces -------------------------------------------------------
// AST nodes are readonly, so equal literal values and name paths can be one
// object: a large file then allocates little more than its nodes.

const TRUE: LiteralValue = Object.freeze({ type: "bool", value: true });
const FALSE: LiteralValue = Object.freeze({ type: "bool", value: false });
const CACHE_LIMIT = 4096;
const literalCache = new Map<string, LiteralValue | null>();
const partsCache = new Map<string, readonly string[]>();

function literalOf(text: string, make: (text: string) => LiteralValue | undefined): LiteralValue | undefined {
  let v = literalCache.get(text);
  if (v === undefined) {
    v = make(text) ?? null;
    if (literalCache.size >= CACHE_LIMIT) literalCache.clear();
    literalCache.set(text, v);
  }
  return v ?? undefined;
}

function numberLiteral(text: string): LiteralValue | undefined {
  const value = Number(text);
  return Number.isNaN(value) ? undefined : Object.freeze({ type: "num", value });
}

function durationLiteral(text: string): LiteralValue {
  const ms = text.endsWith("ms");
  const value = Number(text.slice(0, ms ? -2 : -1));
  return Object.freeze({ type: "duration", seconds: ms ? value / 1000 : value, text });
}

function symLiteral(text: string): LiteralValue {
  return Object.freeze({ type: "sym", value: quotedName(text) });
}

/** The built-in operators' names, by length (operatorName). */
const builtinNamesByLength: string[][] = [];
for (const name of builtins.keys()) (builtinNamesByLength[name.length] ??= []).push(name);

/**
 * A built-in operator's name as the one string builtins.ts has for it, found
 * by length and comparison rather than by hashing (the atom's text is a new
 * string, and hashing one costs more): later stages then look the operator up
 * by a string whose hash is already known.
 */
function operatorName(text: string): string {
  const candidates = builtinNamesByLength[text.length];
  if (candidates !== undefined) for (let i = 0; i < candidates.length; i++) if (candidates[i] === text) return candidates[i]!;
  return text;
}

/** `:type` → `type`. (Slicing is cheaper than looking the keyword up in a map: the keyword is a new string, and hashing one costs more.) */
function optionName(keyword: string): string {
  return keyword.slice(1);
}

/** `a.b` split at its dots, shared by every reference to the same path. */
function dottedParts(text: string): readonly string[] {
  let parts = partsCache.get(text);
  if (parts === undefined) {
    parts = Object.freeze(text.split("."));
    if (partsCache.size >= CACHE_LIMIT) partsCache.clear();
    partsCache.set(text, parts);
  }
  return parts;
}

/** `[name]`, shared by every reference to the same one-part name. */
function singlePart(text: string): readonly string[] {
  let parts = partsCache.get(text);
  if (parts === undefined) {
    parts = Object.freeze([text]);
    if (partsCache.size >= CACHE_LIMIT) partsCache.clear();
    partsCache.set(text, parts);
  }
  return parts;
}

/** Where a missing last item would go: just before the `)`. */
function endOf(list: SList): number {
  return list.closed ? list.range.end - 1 : list.range.end;
}

function describe(e: SExpr): string {
  if (e.kind === "list") return e.items.length === 0 ? "()" : "a list";
  const text = e.text.length > 40 ? e.text.slice(0, 37) + "…" : e.text;
  switch (e.token) {
    case "string":
      return `the string ${text}`;
    case "number":
    case "duration":
      return `the number ${text}`;
    case "keyword":
      return `the option ${text}`;
    case "quoted":
      return `the quoted symbol ${text}`;
    default:
      return `'${text}'`;
  }
}

function orList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? "") : `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}`;
}

function formList(): string {
  return orList(FORM_NAMES.map((f) => `(${f} …)`));
}
