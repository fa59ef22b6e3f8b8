// SCRAM users of a KRaft cluster live in its metadata log: written by `kafka-storage format
// --add-scram` before the first start, or by `kafka-configs --alter` on a running cluster.
import type { KafkaDistribution } from '../distribution.ts';
import { runToolQuietly } from '../tools.ts';
import { checkCredentials, SCRAM_MECHANISMS, type Credentials, type ScramMechanism } from './credentials.ts';

export interface ScramUser extends Credentials {
  /** Both SCRAM mechanisms by default. */
  mechanisms?: readonly ScramMechanism[];
}

const mechanismsOf = (user: ScramUser): readonly ScramMechanism[] => user.mechanisms ?? SCRAM_MECHANISMS;

/** `kafka-storage format` arguments: one `--add-scram MECHANISM=[name=..,password=..]` per user and mechanism. */
export function formatScramArguments(users: readonly ScramUser[]): string[] {
  return users.flatMap((user) => {
    checkCredentials(user);
    return mechanismsOf(user).flatMap((mechanism) => ['--add-scram', `${mechanism}=[name=${user.username},password=${user.password}]`]);
  });
}

/**
 * `kafka-configs` arguments that add a user's SCRAM credential for one mechanism, or change it.
 * One mechanism a run: Kafka 3.9 refuses two in one --add-config ("A user credential cannot be
 * altered twice in the same request").
 */
export function alterScramArguments(user: Credentials, mechanism: ScramMechanism, bootstrap: string, commandConfigPath: string): string[] {
  checkCredentials(user);
  return [
    '--bootstrap-server',
    bootstrap,
    '--command-config',
    commandConfigPath,
    '--alter',
    '--add-config',
    `${mechanism}=[password=${user.password}]`,
    '--entity-type',
    'users',
    '--entity-name',
    user.username,
  ];
}

/** Adds (or changes) a SCRAM user on a running cluster, as the user of `commandConfigPath` (a super user). */
export async function alterScramUser(user: ScramUser, bootstrap: string, commandConfigPath: string, distribution: KafkaDistribution): Promise<void> {
  for (const mechanism of mechanismsOf(user)) {
    const result = await runToolQuietly('kafka-configs', alterScramArguments(user, mechanism, bootstrap, commandConfigPath), distribution);
    if (result.code !== 0)
      throw new Error(`kafka-configs could not set the ${mechanism} credential of "${user.username}" (exit ${result.code}): ${result.output.trim()}`);
  }
}
