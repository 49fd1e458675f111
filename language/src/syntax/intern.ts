// One string per spelling within a text. Symbols repeat endlessly in
// constraint files (`and`, `mug`, `:type`): sharing one string per spelling
// saves an allocation per atom, and later stages, which look names up in
// maps, hash each spelling once. The table lives as long as one scan; its
// hashes and lengths sit in a typed array, so a probe touches a string only
// when they match.

/** Longer words are not worth a table slot (they are rarely repeated). */
const MAX_LENGTH = 32;
/** ints per slot: hash, length (0: empty slot) */
const SLOT = 2;

export class Interner {
  private slots: Int32Array;
  private strings: string[];
  private mask: number;
  private count = 0;

  constructor(private readonly text: string) {
    // about one distinct spelling per 64 characters is typical; the table grows if not
    let size = 64;
    while (size < text.length >> 6 && size < 1 << 16) size <<= 1;
    this.mask = size - 1;
    this.slots = new Int32Array(size * SLOT);
    this.strings = new Array<string>(size);
  }

  /** text[start, end), whose chars hash to `hash` (any hash; equal spellings must hash equal). */
  intern(start: number, end: number, hash: number): string {
    const len = end - start;
    if (len > MAX_LENGTH) return this.text.slice(start, end);
    // mix the bits (murmur3's finalizer): ids such as C17, C18 hash close together
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const at = slot * SLOT;
      const slotLength = slots[at + 1]!;
      if (slotLength === 0) break;
      if (slots[at] === hash && slotLength === len) {
        const s = this.strings[slot]!;
        if (this.text.startsWith(s, start)) return s;
      }
      slot = (slot + 1) & this.mask;
    }
    const s = this.text.slice(start, end);
    this.put(slot, hash, len, s);
    return s;
  }

  private put(slot: number, hash: number, len: number, s: string): void {
    this.slots[slot * SLOT] = hash;
    this.slots[slot * SLOT + 1] = len;
    this.strings[slot] = s;
    // keep the table at most half full, so probes stay short
    if (++this.count * 2 > this.mask + 1) this.grow();
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldStrings = this.strings;
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size * SLOT);
    this.strings = new Array<string>(size);
    for (let old = 0; old < oldStrings.length; old++) {
      const at = old * SLOT;
      if (oldSlots[at + 1] === 0) continue;
      let slot = oldSlots[at]! & this.mask;
      while (this.slots[slot * SLOT + 1] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot * SLOT] = oldSlots[at]!;
      this.slots[slot * SLOT + 1] = oldSlots[at + 1]!;
      this.strings[slot] = oldStrings[old]!;
    }
  }
}
