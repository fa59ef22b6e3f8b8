import { freePorts } from '@orders-dwh/apache-kafka';

export { freePort, freePorts } from '@orders-dwh/apache-kafka';

/** A free port for each name, all distinct. */
export async function freePortsByName<Name extends string>(names: readonly Name[]): Promise<Record<Name, number>> {
  const ports = await freePorts(names.length);
  return Object.fromEntries(names.map((name, i) => [name, ports[i]!])) as Record<Name, number>;
}
