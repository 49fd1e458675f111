// A frame indexed for evaluation: objects by id and by normalised type,
// relation edges by (rel, a, b). Each index is built when first asked for,
// once per frame, and shared by all constraints; frames of a handful of
// objects and edges are scanned instead.

import { normalizeTypeKey } from "../check/schema.js";
import type { Frame, Relation, SceneObject } from "./frame.js";

const noIds: ReadonlyMap<string, SceneObject> = new Map();

/** serials of indexed frames, unique in the process: memo tables key on them */
let serials = 0;

export class IndexedFrame {
  /**
   * unique among all indexed frames: per-frame caches compare numbers
   * instead of holding the frame (no write barrier, no retained frame)
   */
  readonly serial = ++serials;
  private ids: ReadonlyMap<string, SceneObject> | undefined;
  private byType: Map<string, SceneObject[]> | undefined;
  private edges: Map<string, Relation[]> | undefined;

  constructor(
    readonly frame: Frame,
    /** 0-based index of the frame in the trace */
    readonly step: number,
  ) {}

  /** objects by id (the last one, where a frame repeats an id) */
  get byId(): ReadonlyMap<string, SceneObject> {
    if (this.ids === undefined) {
      if (this.frame.objects.length === 0) this.ids = noIds;
      else {
        const ids = new Map<string, SceneObject>();
        for (const o of this.frame.objects) ids.set(o.id, o);
        this.ids = ids;
      }
    }
    return this.ids;
  }

  /** byId.get(id), without building the map for the handful of objects most frames hold */
  objectById(id: string): SceneObject | undefined {
    const objects = this.frame.objects;
    if (objects.length > SCAN_OBJECTS) return this.byId.get(id);
    for (let i = objects.length - 1; i >= 0; i--) {
      if (objects[i]!.id === id) return objects[i];
    }
    return undefined;
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
        const key = typeKeyOf(o.type);
        let list = this.byType.get(key);
        if (!list) this.byType.set(key, (list = []));
        list.push(o);
      }
    }
    return this.byType.get(key) ?? noObjects;
  }

  /** the edge rel(a, b), if the scene graph has it */
  edge(rel: string, a: string, b: string): Relation | undefined {
    const relations = this.frame.relations;
    if (relations.length <= SCAN_EDGES) {
      // most frames state a handful of edges: scanning them beats any index
      for (let i = 0; i < relations.length; i++) {
        const r = relations[i]!;
        if (r.rel === rel && r.a === a && r.b === b) return r;
      }
      return undefined;
    }
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

/** up to this many edges, edge() scans the frame's relations instead of indexing them */
const SCAN_EDGES = 8;

/** up to this many objects, objectById() scans them instead of indexing them */
const SCAN_OBJECTS = 16;

/**
 * normalizeTypeKey of object types, which repeat in every frame: remembered
 * rather than recomputed per object per frame (bounded, for traces with
 * unusually many types)
 */
const typeKeys = new Map<string, string>();

function typeKeyOf(type: string): string {
  let key = typeKeys.get(type);
  if (key === undefined) {
    if (typeKeys.size >= 4096) typeKeys.clear();
    key = normalizeTypeKey(type);
    typeKeys.set(type, key);
  }
  return key;
}
