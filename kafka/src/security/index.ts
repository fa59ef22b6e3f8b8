// Security of an Apache Kafka node: certificates, SASL users, server.properties, client options.
export * from './certificates.ts';
export * from './client-security.ts';
export * from './credentials.ts';
export * from './node-security.ts';
export * from './scram.ts';
export * from './server-security.ts';
