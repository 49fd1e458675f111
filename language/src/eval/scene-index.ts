// A frame indexed for evaluation: objects by id and by normalised type,
// relation edges by (rel, a, b). Built once per frame, shared by all
// constraints.

import { normalizeTypeKey } from "../check/schema.js";
import type { Frame, Relation, SceneObject } from "./frame.js";

const noIds: ReadonlyMap<string, SceneObject> = new Map();

export class IndexedFrame {
  readonly byId: ReadonlyMap<string, SceneObject>;
  private byType: Map<string, SceneObject[]> | undefined;
  private edges: Map<string, Relation[]> | undefined;

  constructor(
    readonly frame: Frame,
    /** 0-based index of the frame in the trace */
    readonly step: number,
  ) {
    if (frame.objects.length === 0) this.byId = noIds;
    else {
      const byId = new Map<string, SceneObject>();
      for (const o of frame.objects) byId.set(o.id, o);
      this.byId = byId;
    }
  }

  /** objects whose type matches `name` (coffee_machine → CoffeeMachine) */
  objectsOfType(name: string): readonly SceneObject[] {
    return this.objectsOfTypeKey(normalizeTypeKey(name));
  }

  /** objects whose normalised type (normalizeTypeKey) is `key` */
  objectsOfTypeKey(key: string): readonly SceneObject[] {
    if (!this.byType) {
      this.byType = new Map();
      for (const o of this.frame.objects) {
        const key = normalizeTypeKey(o.type);
        let list = this.byType.get(key);
        if (!list) this.byType.set(key, (list = []));
        list.push(o);
      }
    }
    return this.byType.get(key) ?? noObjects;
  }

  /** the edge rel(a, b), if the scene graph has it */
  edge(rel: string, a: string, b: string): Relation | undefined {
    if (!this.edges) {
      // frames hold few edges per relation: a short scan beats building string keys
      this.edges = new Map();
      for (const r of this.frame.relations) {
        const list = this.edges.get(r.rel);
        if (list) list.push(r);
        else this.edges.set(r.rel, [r]);
      }
    }
    const list = this.edges.get(rel);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (r.a === a && r.b === b) return r;
    }
    return undefined;
  }

  hasEdges(): boolean {
    return this.frame.relations.length > 0;
  }
}

const noObjects: readonly SceneObject[] = [];
