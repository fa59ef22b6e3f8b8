import { describe, expect, it } from 'vitest';
import { atStep, BatchStepError, classifyError, ConcurrentWriteError, DependencyStateError, describeError, PoisonError } from '../../src/stage/error-class.ts';

/** A pg DatabaseError as the driver makes it: a code and a severity. */
const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code, severity: 'ERROR' });
const systemError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('classifyError', () => {
  it.each([
    ['08006', 'connection failure'],
    ['08P01', 'protocol violation'],
    ['53300', 'too many connections'],
    ['53100', 'disk full'],
    ['57P01', 'admin shutdown'],
    ['57P03', 'cannot connect now'],
    ['40001', 'serialization failure'],
    ['40P01', 'deadlock detected'],
    ['57014', 'statement timeout'],
    ['55P03', 'lock timeout'],
    ['58030', 'I/O error'],
    ['XX000', 'internal error'],
    ['28P01', 'password authentication failed'],
    ['3D000', 'database does not exist'],
    ['42501', 'permission denied'],
    ['25006', 'read-only transaction (a standby)'],
    ['25P03', 'idle-in-transaction timeout'],
    ['42P01', 'undefined table (a migration not run)'],
    ['42703', 'undefined column'],
    ['42883', 'undefined function'],
    ['42804', 'datatype mismatch (code and schema out of step)'],
    ['3F000', 'invalid schema name'],
    ['57000', 'operator intervention'],
    ['55006', 'object in use'],
    ['0A000', 'feature not supported'],
  ])('retries Postgres %s (%s)', (code) => {
    expect(classifyError(pgError(code))).toBe('transient');
  });

  it.each([
    ['22P05', 'unsupported Unicode escape sequence (a NUL in jsonb)'],
    ['22021', 'invalid byte sequence (a NUL in text)'],
    ['22003', 'numeric value out of range'],
    ['22008', 'datetime field overflow'],
    ['22007', 'invalid datetime format'],
    ['22P02', 'invalid text representation'],
    ['23505', 'unique violation'],
    ['23502', 'not-null violation'],
    ['54000', 'index row size exceeds maximum'],
    ['P0001', "a trigger's raise_exception"],
    ['25P02', 'in failed transaction (after an earlier error)'],
    ['40002', 'deferred constraint violated at commit'],
  ])('dead-letters on Postgres %s (%s)', (code) => {
    expect(classifyError(pgError(code))).toBe('poison');
  });

  it.each([
    'LOADING Redis is loading the dataset in memory',
    'NOAUTH Authentication required.',
    "NOPERM User default has no permissions to run the 'mget' command",
    'MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no',
  ])('retries the Redis error reply "%s"', (message) => {
    expect(classifyError(Object.assign(new Error(message), { name: 'ReplyError' }))).toBe('transient');
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])('retries socket error %s', (code) => {
    expect(classifyError(systemError(code))).toBe('transient');
  });

  it.each([
    'Connection terminated unexpectedly',
    'Connection terminated due to connection timeout',
    'timeout exceeded when trying to connect',
    'Query read timeout',
    'Client was closed and is not queryable',
    'Connection is closed.',
    'Command timed out',
    "Stream isn't writeable and enableOfflineQueue options is false",
  ])('retries the client error "%s"', (message) => {
    expect(classifyError(new Error(message))).toBe('transient');
  });

  it('retries deadlines, aborts, every kafkajs error and ioredis giving up', () => {
    expect(classifyError(new DOMException('stopping', 'AbortError'))).toBe('transient');
    expect(classifyError(Object.assign(new Error('deadline'), { name: 'BatchDeadlineError' }))).toBe('transient');
    expect(classifyError(Object.assign(new Error('Request timed out'), { name: 'KafkaJSRequestTimeoutError' }))).toBe('transient');
    expect(classifyError(Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError' }))).toBe('transient');
    expect(classifyError(Object.assign(new Error('Reached the max retries per request limit (which is 3).'), { name: 'MaxRetriesPerRequestError' }))).toBe(
      'transient',
    );
  });

  it("dead-letters what the stage's own code throws on a value", () => {
    expect(classifyError(new RangeError('Invalid time value'))).toBe('poison');
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe('poison');
    expect(classifyError(new PoisonError('refused'))).toBe('poison');
    expect(classifyError(new Error('anything else'))).toBe('poison');
    expect(classifyError('a thrown string')).toBe('poison');
  });

  it("holds the batch when the stage's code finds a dependency in a state no message causes", () => {
    expect(classifyError(new DependencyStateError('Redis holds no reference data'))).toBe('transient');
    expect(classifyError(new BatchStepError('prepare', new DependencyStateError('Redis holds no reference data')))).toBe('transient');
    expect(classifyError(new BatchStepError('postgres', new ConcurrentWriteError('order 7 stored by another batch')))).toBe('transient');
  });

  it('classifies a step error by its cause', () => {
    expect(classifyError(new BatchStepError('postgres', pgError('08006')))).toBe('transient');
    expect(classifyError(new BatchStepError('postgres', pgError('22P05')))).toBe('poison');
  });
});

describe('atStep and describeError', () => {
  it('tags an error with the step it happened in, keeping the innermost step', async () => {
    const error = await atStep('postgres', () => atStep('prepare', () => Promise.reject(systemError('ECONNREFUSED')))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchStepError);
    expect((error as BatchStepError).step).toBe('prepare');
    expect(describeError(error)).toBe('prepare: Error: connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('names a Postgres error by its SQLSTATE', () => {
    expect(describeError(new BatchStepError('postgres', pgError('22P05', 'unsupported Unicode escape sequence')))).toBe(
      'postgres: postgres 22P05: unsupported Unicode escape sequence',
    );
  });
});
