// Small builders for frames in tests.

import type { Action, Frame, Relation, SceneObject } from "../../src/eval/frame.js";

export function obj(id: string, type: string, state: SceneObject["state"] = {}, extra: Partial<SceneObject> = {}): SceneObject {
  return { id, type, state, confidence: 1, visible: true, ...extra };
}

export function rel(rel: string, a: string, b: string, confidence = 1): Relation {
  return { rel, a, b, confidence };
}

export function frame(objects: SceneObject[], relations: Relation[] = [], action?: Action, signals: Frame["signals"] = {}): Frame {
  return action ? { objects, relations, signals, action } : { objects, relations, signals };
}

export function act(name: string, ...args: string[]): Action {
  return { name, args, success: true };
}

/** A signal-only frame: `{p: true, q: false}`. */
export function sig(signals: Frame["signals"], time?: number): Frame {
  return time === undefined ? { objects: [], relations: [], signals } : { objects: [], relations: [], signals, time };
}
