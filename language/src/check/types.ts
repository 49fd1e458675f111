// craft's types: Bool Num Str Sym Obj<T> Enum{…} Vec3 Duration, plus Any for
// values whose type only the trace knows (signals, trace-only attributes).

export type Type =
  | { readonly kind: "Bool" }
  | { readonly kind: "Num" }
  | { readonly kind: "Str" }
  | { readonly kind: "Sym" }
  | { readonly kind: "Vec3" }
  | { readonly kind: "Duration" }
  /** objectType undefined: any object */
  | { readonly kind: "Obj"; readonly objectType?: string }
  | { readonly kind: "Enum"; readonly values: readonly string[] }
  | { readonly kind: "Any" };

export const Bool: Type = { kind: "Bool" };
export const Num: Type = { kind: "Num" };
export const Str: Type = { kind: "Str" };
export const Sym: Type = { kind: "Sym" };
export const Vec3T: Type = { kind: "Vec3" };
export const Duration: Type = { kind: "Duration" };
export const AnyObj: Type = { kind: "Obj" };
export const Any: Type = { kind: "Any" };

export function obj(objectType?: string): Type {
  return objectType === undefined ? AnyObj : { kind: "Obj", objectType };
}

export function enumOf(values: readonly string[]): Type {
  return { kind: "Enum", values };
}

export function typeToString(t: Type): string {
  switch (t.kind) {
    case "Obj":
      return t.objectType ? `Obj<${t.objectType}>` : "Obj";
    case "Enum":
      return `Enum{${t.values.join(",")}}`;
    default:
      return t.kind;
  }
}

/** Parses the surface spelling of a type: `Num`, `Obj<Mug>`, `Enum{red,blue}`. */
export function parseType(text: string): Type | undefined {
  switch (text) {
    case "Bool":
      return Bool;
    case "Num":
      return Num;
    case "Str":
      return Str;
    case "Sym":
      return Sym;
    case "Vec3":
      return Vec3T;
    case "Duration":
      return Duration;
    case "Obj":
      return AnyObj;
  }
  const objMatch = /^Obj<([A-Za-z_][A-Za-z0-9_]*)>$/.exec(text);
  if (objMatch) return obj(objMatch[1]);
  const enumMatch = /^Enum\{([^{}]*)\}$/.exec(text);
  if (enumMatch) {
    const values = enumMatch[1]!.split(",").map((v) => v.trim()).filter((v) => v.length > 0);
    if (values.length > 0) return enumOf(values);
  }
  return undefined;
}

/** Symbol-like types compare with symbols and strings. */
function isSymbolic(t: Type): boolean {
  return t.kind === "Sym" || t.kind === "Str" || t.kind === "Enum";
}

/** Can a value of type `actual` be used where `expected` is required? */
export function isAssignable(actual: Type, expected: Type): boolean {
  // the common case: the very same (shared) type, e.g. Bool where Bool is expected
  if (actual === expected) return true;
  if (actual.kind === "Any" || expected.kind === "Any") return true;
  if (expected.kind === "Obj") {
    if (actual.kind !== "Obj") return false;
    return expected.objectType === undefined || actual.objectType === undefined || actual.objectType === expected.objectType;
  }
  if (isSymbolic(expected) && isSymbolic(actual)) return true;
  return actual.kind === expected.kind;
}

/** Can two values of these types be compared with eq/neq? */
export function isComparable(a: Type, b: Type): boolean {
  if (a.kind === "Any" || b.kind === "Any") return true;
  if (isSymbolic(a) && isSymbolic(b)) return true;
  if (a.kind === "Obj" && b.kind === "Obj") return true;
  return a.kind === b.kind;
}
