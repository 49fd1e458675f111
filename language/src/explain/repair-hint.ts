// Repair hints: what would have avoided a violation, phrased from the
// facts its deciding atoms judged ("open Microwave_1 before
// PutObject(Mug_1, Microwave_1)").

import type { ConstraintType } from "../syntax/ast.js";
import type { AtomFact } from "../eval/atom-site.js";

/** How to make a Boolean state field true / false. */
const stateVerbs: Readonly<Record<string, readonly [string, string]>> = {
  isOpen: ["open X", "close X"],
  isToggled: ["turn X on", "turn X off"],
  isFilledWithLiquid: ["fill X", "empty X"],
  isDirty: ["make X dirty", "clean X"],
  isCooked: ["cook X", "use an uncooked X"],
  isSliced: ["slice X", "use X unsliced"],
  isBroken: ["break X", "use an unbroken X"],
  isPickedUp: ["pick up X", "put X down"],
  isUsedUp: ["use up X", "replace X, which is used up"],
  visible: ["bring X into view", "move X out of view"],
};

const relationVerbs: Readonly<Record<string, readonly [string, string]>> = {
  inside: ["put A into B", "take A out of B"],
  on_top_of: ["put A on B", "take A off B"],
  near: ["move A near B", "move A away from B"],
  holding: ["have A hold B", "have A release B"],
};

/** The action that makes `fact` have the truth value `needed`. */
export function remedy(fact: AtomFact | undefined, expr: string, needed: boolean): string {
  if (!fact) return `make ${expr} ${needed}`;
  switch (fact.kind) {
    case "state": {
      const verbs = stateVerbs[fact.field];
      if (!verbs) return `make ${fact.object}.${fact.field} ${needed}`;
      const verb = verbs[needed ? 0 : 1].replace(/X/g, fact.object);
      return fact.field === "isFilledWithLiquid" && needed && fact.liquid ? `${verb} with ${fact.liquid}` : verb;
    }
    case "compare": {
      const verbs = stateVerbs[fact.attr];
      if (verbs && typeof fact.value === "boolean" && (fact.op === "eq" || fact.op === "neq")) {
        // (eq x.isOpen true) needed true: x.isOpen must become true
        const target = fact.op === "eq" ? fact.value === needed : fact.value !== needed;
        return verbs[target ? 0 : 1].replace(/X/g, fact.object);
      }
      if (fact.op === "eq" && needed) return `set ${fact.object}.${fact.attr} to ${fact.value}`;
      if (fact.op === "neq" && !needed) return `set ${fact.object}.${fact.attr} to ${fact.value}`;
      return `make ${expr} ${needed}`;
    }
    case "relation": {
      const verbs = relationVerbs[fact.rel];
      if (!verbs) return `make ${expr} ${needed}`;
      return verbs[needed ? 0 : 1].replace(/A/g, fact.a).replace(/B/g, fact.b);
    }
  }
}

/**
 * Where in the task the remedy belongs. Several deciding atoms of a
 * violation are alternatives (all children of a false `or`, or of a true
 * `and` under `not`): fixing any one of them suffices.
 */
export function repairHint(remedies: readonly string[], type: ConstraintType, action: string | undefined, brokenSince: { step: number; action?: string } | undefined): string {
  const what = [...new Set(remedies)].join(" or ");
  switch (type) {
    case "pre":
      return action ? `${what} before ${action}` : `${what} before the action`;
    case "post":
      return action ? `${what}: ${action} did not achieve it` : what;
    case "goal":
      return `${what} before the task ends`;
    case "causal":
      return `${what} first`;
    case "invariant":
      return brokenSince ? `${what}; it has not held since step ${brokenSince.step}${brokenSince.action ? ` (after ${brokenSince.action})` : ""}` : what;
  }
}
