// A schema says which object types exist, which attributes each has and of
// which type. The built-in one is AI2THOR's (ai2thor-schema.ts); `(type …)`
// forms and traces extend it.

import type { Type } from "./types.js";

export interface ObjectTypeInfo {
  readonly name: string;
  /** attributes specific to this type (beyond the common ones) */
  readonly attributes: ReadonlyMap<string, Type>;
  readonly doc?: string;
}

export interface Schema {
  /** object type by exact name, e.g. "CoffeeMachine" */
  readonly types: ReadonlyMap<string, ObjectTypeInfo>;
  /** attributes every object has: position, visible, confidence, … */
  readonly commonAttributes: ReadonlyMap<string, Type>;
  /**
   * state attributes that only some types have (isOpen on openable ones):
   * reading one on another type is a warning, since the trace may still set it
   */
  readonly stateAttributes?: ReadonlyMap<string, Type>;
}

/** "coffee_machine" and "CoffeeMachine" both normalise to "coffeemachine". */
export function normalizeTypeKey(name: string): string {
  return name.replace(/_/g, "").toLowerCase();
}

const normalizedIndex = new WeakMap<Schema, Map<string, ObjectTypeInfo>>();

/** Finds the type a bare name denotes by the type-match rule of DESIGN.md. */
export function findTypeByName(schema: Schema, name: string): ObjectTypeInfo | undefined {
  const exact = schema.types.get(name);
  if (exact) return exact;
  let index = normalizedIndex.get(schema);
  if (!index) {
    index = new Map();
    for (const info of schema.types.values()) index.set(normalizeTypeKey(info.name), info);
    normalizedIndex.set(schema, index);
  }
  return index.get(normalizeTypeKey(name));
}

/** The type of `attr` on objects of `typeName`, or undefined if it has none. */
export function attributeType(schema: Schema, typeName: string | undefined, attr: string): Type | undefined {
  const common = schema.commonAttributes.get(attr);
  if (common) return common;
  if (typeName === undefined) return undefined;
  return schema.types.get(typeName)?.attributes.get(attr);
}

/** A schema with extra types layered over a base (for `(type …)` forms and traces). */
export function extendSchema(base: Schema, extra: readonly ObjectTypeInfo[]): Schema {
  if (extra.length === 0) return base;
  const types = new Map(base.types);
  for (const t of extra) {
    const prior = types.get(t.name);
    types.set(t.name, prior ? { ...prior, attributes: new Map([...prior.attributes, ...t.attributes]) } : t);
  }
  return { ...base, types };
}
