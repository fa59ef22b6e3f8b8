// SASL users and mechanisms, and the one check their names and passwords pass: they are written
// unescaped into JAAS options, server.properties and the `[name=..,password=..]` arguments of
// kafka-storage and kafka-configs, so only characters none of those treat specially are allowed.
import { randomBytes } from 'node:crypto';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];
export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

export interface Credentials {
  username: string;
  password: string;
}

const USERNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const PASSWORD = /^[A-Za-z0-9_.~+/-]+$/;

export function checkCredentials({ username, password }: Credentials): void {
  if (!USERNAME.test(username)) throw new Error(`Kafka user name "${username}" must start with a letter and hold only letters, digits, "_" and "-"`);
  if (!PASSWORD.test(password)) throw new Error(`the password of Kafka user "${username}" may hold only letters, digits and _ . ~ + / -`);
}

/** 24 random characters that pass checkCredentials. */
export const randomPassword = (): string => randomBytes(18).toString('base64url');
