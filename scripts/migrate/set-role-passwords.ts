// Sets the password of each service role whose DWH_<ROLE>_PASSWORD variable is set, connecting as
// the owner in DATABASE_URL (which needs CREATEROLE). Run by the compose stack after the migrations.
import pg from 'pg';
import { loadDatabaseUrl } from '@orders-dwh/shared/config';
import { rolePasswordsFromEnv } from './service-roles.ts';

const databaseUrl = loadDatabaseUrl();
const passwords = rolePasswordsFromEnv(process.env);
const client = new pg.Client({ connectionString: databaseUrl });
try {
  await client.connect();
  for (const { role, password } of passwords) {
    // Postgres stores it hashed (password_encryption, scram-sha-256 by default).
    await client.query(`ALTER ROLE ${client.escapeIdentifier(role)} PASSWORD ${client.escapeLiteral(password)}`);
  }
  console.log(passwords.length ? `set the password of ${passwords.map((p) => p.role).join(', ')}` : 'no role password given');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await client.end();
}
