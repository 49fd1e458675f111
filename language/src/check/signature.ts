// Every predicate, built-in or extension, has a signature the checker uses
// for arity and type errors, and the editor shows on hover.

import type { Type } from "./types.js";

export interface ParamSpec {
  readonly name: string;
  readonly type: Type;
  readonly optional?: boolean;
}

/** Keyword options a call accepts, with how many values each takes. */
export interface OptionSpec {
  readonly keyword: string;
  readonly arity: number;
  readonly doc: string;
}

export interface Signature {
  readonly name: string;
  readonly params: readonly ParamSpec[];
  /** when set, any number (≥ params.length) of further arguments of this type */
  readonly rest?: ParamSpec;
  readonly result: Type;
  readonly options?: readonly OptionSpec[];
  readonly doc: string;
}

export function minArity(sig: Signature): number {
  let n = 0;
  for (const p of sig.params) if (!p.optional) n++;
  return n;
}

export function maxArity(sig: Signature): number {
  return sig.rest ? Infinity : sig.params.length;
}

/** `(inside a:Obj b:Obj) -> Bool`, as shown on hover. */
export function signatureToString(sig: Signature, typeToString: (t: Type) => string): string {
  const params = sig.params.map((p) => `${p.optional ? "[" : ""}${p.name}:${typeToString(p.type)}${p.optional ? "]" : ""}`);
  if (sig.rest) params.push(`${sig.rest.name}:${typeToString(sig.rest.type)}...`);
  const options = (sig.options ?? []).map((o) => `[:${o.keyword}${" x".repeat(o.arity)}]`);
  return `(${[sig.name, ...options, ...params].join(" ")}) -> ${typeToString(sig.result)}`;
}
