// Extension predicates: the runtime registers typed predicates here (physics,
// SA-GR …); the language reaches them only through this interface.

import type { Signature } from "./signature.js";
import type { Frame, SceneObject } from "../eval/frame.js";

/** An argument as an extension sees it: an object, a plain value, or unknown. */
export type ExtensionArg = SceneObject | number | string | boolean | readonly number[] | undefined;

export interface ExtensionResult {
  /** true/false for predicates, a number for functions, undefined for unknown */
  readonly value: boolean | number | undefined;
  readonly confidence: number;
  readonly reason: string;
}

export interface ExtensionFrameContext {
  readonly frame: Frame;
  /** 0-based index of the frame in the trace */
  readonly step: number;
  /** the trace identity, for predicates that precomputed a whole trace */
  readonly traceKey: unknown;
}

export interface ExtensionPredicate extends Signature {
  /** evaluates on one frame */
  evaluate(args: readonly ExtensionArg[], ctx: ExtensionFrameContext): ExtensionResult;
}

export class PredicateRegistry {
  private readonly predicates = new Map<string, ExtensionPredicate>();

  register(predicate: ExtensionPredicate): this {
    if (this.predicates.has(predicate.name)) {
      throw new Error(`extension predicate ${predicate.name} is already registered`);
    }
    this.predicates.set(predicate.name, predicate);
    return this;
  }

  get(name: string): ExtensionPredicate | undefined {
    return this.predicates.get(name);
  }

  names(): IterableIterator<string> {
    return this.predicates.keys();
  }

  all(): IterableIterator<ExtensionPredicate> {
    return this.predicates.values();
  }
}
