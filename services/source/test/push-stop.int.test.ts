// A long push stops after the batch in flight when the source shuts down (answering 503 with what
// was pushed, so that SIGTERM is not held for minutes) or when its client closes the connection;
// what was acknowledged stays on stg_service. The Kafka sink is real; a gate holds the push after
// its second batch so that the stop lands at a known place.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestInfra, topicSize, type TestInfra } from '../../../test/support/service-harness.ts';
import type { OrderSink } from '../src/app.ts';
import { sourceWithKafka } from './support/source-with-kafka.ts';

const BATCH = 100;
const N = 1_000;

/** Passes batches to Kafka; after the second, holds the push until released. */
function gatedSink(kafka: OrderSink) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reachedGate!: () => void;
  const atGate = new Promise<void>((resolve) => (reachedGate = resolve));
  const sink = {
    batches: 0,
    async send(messages: Array<{ key: string; value: string }>) {
      await kafka.send(messages);
      sink.batches += 1;
      if (sink.batches === 2) {
        reachedGate();
        await released;
      }
    },
  };
  return { sink, atGate, release };
}

let infra: TestInfra;
/** Apps a test leaves open, closed after it. */
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  infra = await startTestInfra();
}, 30_000);

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

afterAll(async () => {
  await infra?.close();
}, 30_000);

async function gatedSource() {
  let gate!: ReturnType<typeof gatedSink>;
  const source = await sourceWithKafka(infra, { PUSH_MAX_N: String(N), PUSH_BATCH_SIZE: String(BATCH) }, (kafka) => {
    gate = gatedSink(kafka);
    return gate.sink;
  });
  return { ...source, gate };
}

describe('a push in flight', () => {
  it('stops after its batch when the source closes, answering 503 with what was pushed', async () => {
    const { app, config, gate } = await gatedSource();
    const before = await topicSize(infra.admin, config.topics.stg);
    const answer = app.inject({ method: 'POST', url: '/push', headers: { 'content-type': 'application/json' }, payload: { N } });
    await gate.atGate;
    const closing = app.close();
    // close() runs its preClose hooks (the one that stops pushes) on later ticks.
    await new Promise((resolve) => setTimeout(resolve, 100));
    gate.release();
    const response = await answer;
    await closing;
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: 'shutting_down',
      message: `Stopped because the source is shutting down: ${2 * BATCH} of ${N} orders were pushed; retry the rest.`,
      messages_pushed: 2 * BATCH,
    });
    expect(gate.sink.batches).toBe(2);
    expect((await topicSize(infra.admin, config.topics.stg)) - before).toBe(2 * BATCH);
  });

  it('stops after its batch when the client closes the connection', async () => {
    const { app, config, gate } = await gatedSource();
    cleanups.push(() => app.close());
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const before = await topicSize(infra.admin, config.topics.stg);
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/push', headers: { 'content-type': 'application/json' } });
    request.on('error', () => {});
    request.end(JSON.stringify({ N }));
    await gate.atGate;
    request.destroy();
    // The server sees the connection close, then the push goes on from the gate and finds it stopped.
    await new Promise((resolve) => setTimeout(resolve, 300));
    gate.release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gate.sink.batches).toBe(2);
    expect((await topicSize(infra.admin, config.topics.stg)) - before).toBe(2 * BATCH);
  });
});
