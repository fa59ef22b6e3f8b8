// Products and restaurants change rarely and every answer names some: their details are read once
// and kept for a few seconds, so that a request reads from the vault only what is its own.
export class CatalogCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    /** Reads the details of these keys (absent ones are left out). */
    private readonly load: (keys: string[]) => Promise<Map<string, T>>,
    private readonly ttlMs = 10_000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Details by key, from the cache when fresh, the rest read in one call. */
  async get(keys: Iterable<string>): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    const missing: string[] = [];
    const now = this.now();
    for (const key of new Set(keys)) {
      const entry = this.entries.get(key);
      if (entry && entry.until > now) found.set(key, entry.value);
      else missing.push(key);
    }
    if (missing.length === 0) return found;
    const loaded = await this.load(missing);
    if (this.entries.size + loaded.size > this.maxEntries) this.entries.clear();
    for (const [key, value] of loaded) {
      this.entries.set(key, { value, until: now + this.ttlMs });
      found.set(key, value);
    }
    return found;
  }
}
