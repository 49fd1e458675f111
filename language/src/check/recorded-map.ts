// A Map that the checker fills with one entry per expression (tens of
// thousands in a large file). Inserting each into a hash table costs about as
// much as checking the expression, and not every caller reads the map (a
// check that finds errors is never compiled; the language server reads it on
// hover, completion or the next edit), so entries are recorded in arrays and
// moved into the Map on its first use. It is a real Map (the language server
// keeps and edits it), and every Map method sees the recorded entries, in
// recording order.

/**
 * Sizes of the record's chunks, in array slots (two per entry): they double
 * from the first, so a small check allocates little, up to the largest, which
 * is small enough to stay in the young generation (a large array lives in the
 * old one, and storing new objects into it costs a write barrier each).
 */
const FIRST_CHUNK = 64;
const LARGEST_CHUNK = 4096;

export class RecordedMap<K, V> extends Map<K, V> {
  /** full chunks, then the one being filled: key, value, key, value, … */
  private chunks: unknown[][] = [];
  private chunk: unknown[] = [];
  private fill = 0;

  /** Map.set, but cheap: the entry is moved into the Map on first use. */
  record(key: K, value: V): void {
    if (this.fill === this.chunk.length) this.nextChunk();
    this.chunk[this.fill++] = key;
    this.chunk[this.fill++] = value;
  }

  private nextChunk(): void {
    if (this.fill > 0) this.chunks.push(this.chunk);
    this.chunk = new Array(Math.min(Math.max(this.chunk.length * 2, FIRST_CHUNK), LARGEST_CHUNK));
    this.fill = 0;
  }

  private flush(): void {
    if (this.fill === 0) return;
    const chunks = this.chunks;
    const last = this.chunk;
    const lastFill = this.fill;
    this.chunks = [];
    this.chunk = [];
    this.fill = 0;
    for (const chunk of chunks) for (let i = 0; i < chunk.length; i += 2) super.set(chunk[i] as K, chunk[i + 1] as V);
    for (let i = 0; i < lastFill; i += 2) super.set(last[i] as K, last[i + 1] as V);
  }

  override get(key: K): V | undefined {
    this.flush();
    return super.get(key);
  }

  override has(key: K): boolean {
    this.flush();
    return super.has(key);
  }

  override set(key: K, value: V): this {
    this.flush();
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.flush();
    return super.delete(key);
  }

  override clear(): void {
    this.chunks = [];
    this.chunk = [];
    this.fill = 0;
    super.clear();
  }

  override get size(): number {
    this.flush();
    return super.size;
  }

  override forEach(f: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    this.flush();
    super.forEach(f, thisArg);
  }

  override entries(): MapIterator<[K, V]> {
    this.flush();
    return super.entries();
  }

  override keys(): MapIterator<K> {
    this.flush();
    return super.keys();
  }

  override values(): MapIterator<V> {
    this.flush();
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[K, V]> {
    this.flush();
    return super[Symbol.iterator]();
  }
}
