import { describe, expect, it } from "vitest";
import { Interner } from "../src/syntax/intern.js";

/** The words of a text with their offsets. */
function words(text: string): [number, number][] {
  return [...text.matchAll(/\S+/g)].map((m) => [m.index!, m.index! + m[0].length]);
}

describe("Interner", () => {
  it("gives equal spellings one string and different spellings their own", () => {
    const text = "and mug and sink mug and";
    const interner = new Interner(text);
    const out = words(text).map(([s, e]) => interner.intern(s, e, 0));
    expect(out).toEqual(["and", "mug", "and", "sink", "mug", "and"]);
  });

  it("tells spellings apart whatever their hashes (all equal here)", () => {
    const text = "ab ba ab abc ba";
    const interner = new Interner(text);
    expect(words(text).map(([s, e]) => interner.intern(s, e, 42))).toEqual(["ab", "ba", "ab", "abc", "ba"]);
  });

  it("grows past its first size and still returns every spelling", () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `C${i}`);
    const text = ids.join(" ") + " " + ids.join(" ");
    const interner = new Interner(text);
    for (const [s, e] of words(text)) expect(interner.intern(s, e, hashOf(text, s, e))).toBe(text.slice(s, e));
  });

  it("returns long words as they are", () => {
    const long = "x".repeat(40);
    const interner = new Interner(`${long} ${long}`);
    expect(interner.intern(0, 40, 1)).toBe(long);
    expect(interner.intern(41, 81, 1)).toBe(long);
  });
});

function hashOf(text: string, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
