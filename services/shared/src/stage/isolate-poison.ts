import { classifyError } from './error-class.ts';

export interface Isolated<U, R> {
  /** What each successful attempt returned, in the order of the units it covered. */
  results: R[];
  /** Units that fail on their own with a poison error, with that error, in unit order. */
  poisoned: Array<{ unit: U; error: unknown }>;
}

/**
 * Finds the units that make an attempt fail, by bisection: try all; on a poison error split in
 * halves and try each, down to single units, which are the poison. k poisoned units among n cost
 * about 2k·log2(n) attempts. A transient error is rethrown at once: the caller retries the whole
 * batch later. `attempt` must leave no trace when it throws (the runner wraps each in a savepoint).
 */
export async function isolatePoison<U, R>(units: readonly U[], attempt: (units: readonly U[]) => Promise<R>): Promise<Isolated<U, R>> {
  const isolated: Isolated<U, R> = { results: [], poisoned: [] };
  const visit = async (part: readonly U[]): Promise<void> => {
    if (part.length === 0) return;
    try {
      isolated.results.push(await attempt(part));
    } catch (error) {
      if (classifyError(error) === 'transient') throw error;
      if (part.length === 1) {
        isolated.poisoned.push({ unit: part[0]!, error });
        return;
      }
      const middle = Math.ceil(part.length / 2);
      await visit(part.slice(0, middle));
      await visit(part.slice(middle));
    }
  };
  await visit(units);
  return isolated;
}
