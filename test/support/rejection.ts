/** Resolves with how long the promise took to reject, and the error; throws if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const startedAt = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: Date.now() - startedAt };
  }
  throw new Error('expected a rejection');
}
