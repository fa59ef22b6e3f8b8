import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, createTestCertificates, subjectAltNames } from '../src/security/certificates.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'kafka-certificates-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('test certificates', () => {
  const made = createTestCertificates(path.join(scratch, 'tls'));
  const ca = new X509Certificate(readFileSync(made.ca.certificatePath));
  const server = new X509Certificate(readFileSync(made.server.certificatePath));

  it('make a CA and a server certificate it signed, for 127.0.0.1 and localhost', () => {
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
  });

  it('put the unencrypted PKCS#8 key and the certificate in one PEM keystore', () => {
    const keystore = readFileSync(made.server.keystorePath, 'utf8');
    expect(keystore.match(/-----BEGIN [A-Z ]+-----/g)).toEqual(['-----BEGIN PRIVATE KEY-----', '-----BEGIN CERTIFICATE-----']);
    expect(keystore).toContain(readFileSync(made.server.certificatePath, 'utf8'));
  });

  it('make an unrelated CA that did not sign the server certificate', () => {
    const other = new X509Certificate(readFileSync(createCertificateAuthority(path.join(scratch, 'other'), 'another CA').certificatePath));
    expect(server.verify(other.publicKey)).toBe(false);
  });

  it('name addresses by IP and names by DNS', () => {
    expect(subjectAltNames(['127.0.0.1', 'localhost', '::1', 'localhost'])).toBe('IP:127.0.0.1,DNS:localhost,IP:::1');
  });
});
