import { describe, expect, it } from "vitest";
import { RecordedMap } from "../src/check/recorded-map.js";

/** A Map with the same entries set in the same order, to compare against. */
function reference(entries: [object, number][]): Map<object, number> {
  const m = new Map<object, number>();
  for (const [k, v] of entries) m.set(k, v);
  return m;
}

describe("RecordedMap", () => {
  // more entries than one chunk holds, with a key recorded twice
  const keys = Array.from({ length: 5000 }, (_, i) => ({ i }));
  const entries: [object, number][] = keys.map((k, i) => [k, i]);
  entries.push([keys[7]!, -7]);

  function recorded(): RecordedMap<object, number> {
    const m = new RecordedMap<object, number>();
    for (const [k, v] of entries) m.record(k, v);
    return m;
  }

  it("reads like a Map that had every entry set in recording order", () => {
    const m = recorded();
    const ref = reference(entries);
    expect(m.size).toBe(ref.size);
    expect([...m]).toEqual([...ref]);
    expect(m.get(keys[7]!)).toBe(-7);
    expect(m.get(keys[4999]!)).toBe(4999);
    expect(m.has({})).toBe(false);
    expect(m).toBeInstanceOf(Map);
  });

  it("sees recorded entries through every Map method", () => {
    expect(recorded().get(keys[1]!)).toBe(1);
    expect(recorded().has(keys[2]!)).toBe(true);
    expect([...recorded().keys()]).toEqual([...reference(entries).keys()]);
    expect([...recorded().values()]).toEqual([...reference(entries).values()]);
    expect([...recorded().entries()]).toEqual([...reference(entries).entries()]);
    let n = 0;
    recorded().forEach(() => n++);
    expect(n).toBe(5000);
    expect(new Map(recorded()).size).toBe(5000);
  });

  it("keeps recording order across set, delete and later records", () => {
    const m = new RecordedMap<string, number>();
    m.record("a", 1);
    m.set("b", 2);
    m.record("c", 3);
    m.record("a", 4);
    expect([...m]).toEqual([
      ["a", 4],
      ["b", 2],
      ["c", 3],
    ]);
    m.record("d", 5);
    expect(m.delete("b")).toBe(true);
    expect([...m.keys()]).toEqual(["a", "c", "d"]);
    m.record("e", 6);
    m.clear();
    expect(m.size).toBe(0);
    expect(m.get("e")).toBeUndefined();
  });
});
