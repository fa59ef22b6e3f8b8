export interface LruCacheOptions {
  /** Most entries kept; the least recently used one is dropped first. */
  maxSize: number;
  /** How long an entry stays valid after it was set. */
  ttlMs: number;
  now?: () => number;
}

/**
 * A small bounded cache: least recently used entries go first, and every entry expires `ttlMs`
 * after it was set, so updated reference data is picked up within that time. A Map keeps
 * insertion order, so re-inserting on each hit makes its first key the least recently used.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly maxSize: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor({ maxSize, ttlMs, now = Date.now }: LruCacheOptions) {
    if (!Number.isInteger(maxSize) || maxSize < 0) throw new RangeError(`maxSize must be a non-negative integer, got ${maxSize}`);
    this.maxSize = maxSize;
    this.ttlMs = ttlMs;
    this.now = now;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    if (this.maxSize === 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxSize) {
      this.entries.delete(this.entries.keys().next().value as K);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
