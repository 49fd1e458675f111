// What a trace brings that the schema may lack: its signals, object ids,
// object types and their attributes. Checking against a trace uses it to
// accept robot-specific names and to report ambiguous ones.

import type { Frame, SignalValue } from "../eval/frame.js";
import { Any, Bool, Num, Str, Vec3T, type Type } from "./types.js";

export interface TraceVocabulary {
  /** shown in messages, e.g. the trace's file name */
  readonly source: string;
  readonly signals: ReadonlyMap<string, Type>;
  /** object id → object type */
  readonly objects: ReadonlyMap<string, string>;
  /** object type → attribute names seen in the trace, with types */
  readonly attributes: ReadonlyMap<string, ReadonlyMap<string, Type>>;
}

function typeOfValue(v: SignalValue | null): Type {
  if (typeof v === "boolean") return Bool;
  if (typeof v === "number") return Num;
  if (typeof v === "string") return Str;
  return Any;
}

/** Collects the vocabulary of some frames (typically the first few, or all). */
export class VocabularyBuilder {
  private readonly signals = new Map<string, Type>();
  private readonly objects = new Map<string, string>();
  private readonly attributes = new Map<string, Map<string, Type>>();

  constructor(private readonly source: string) {}

  add(frame: Frame): void {
    for (const [name, value] of Object.entries(frame.signals)) {
      if (!this.signals.has(name)) this.signals.set(name, typeOfValue(value));
    }
    for (const o of frame.objects) {
      if (!this.objects.has(o.id)) this.objects.set(o.id, o.type);
      let attrs = this.attributes.get(o.type);
      if (!attrs) {
        attrs = new Map();
        this.attributes.set(o.type, attrs);
      }
      for (const [k, v] of Object.entries(o.state)) {
        if (!attrs.has(k)) attrs.set(k, typeOfValue(v));
      }
      if (o.position && !attrs.has("position")) attrs.set("position", Vec3T);
    }
  }

  build(): TraceVocabulary {
    return { source: this.source, signals: this.signals, objects: this.objects, attributes: this.attributes };
  }
}
