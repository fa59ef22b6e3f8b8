// The Postgres role each service connects as (created by the service-roles migration), and how a
// deployment turns the owner's connection string and a password into each service's.

export const SERVICE_ROLES = { source: 'dwh_source', stg: 'dwh_stg', dds: 'dwh_dds', cdm: 'dwh_cdm' } as const;
export type ServiceWithRole = keyof typeof SERVICE_ROLES;

/** Environment variable holding a role's password: DWH_STG_PASSWORD for dwh_stg, and so on. */
export const passwordVariable = (service: ServiceWithRole) => `${SERVICE_ROLES[service].toUpperCase()}_PASSWORD`;

/** The same server and database as `databaseUrl`, as the service's role (with its password, if any). */
export function serviceDatabaseUrl(databaseUrl: string, service: ServiceWithRole, password?: string): string {
  const url = new URL(databaseUrl);
  url.username = SERVICE_ROLES[service];
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}

/** The roles whose password variable is set, with that password. */
export function rolePasswordsFromEnv(env: Record<string, string | undefined>): Array<{ role: string; password: string }> {
  return (Object.keys(SERVICE_ROLES) as ServiceWithRole[]).flatMap((service) => {
    const password = env[passwordVariable(service)];
    return password ? [{ role: SERVICE_ROLES[service], password }] : [];
  });
}
