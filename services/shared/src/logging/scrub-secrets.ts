// The last line of defence against secrets in logs: whatever a log line carries (a message, an
// error's text or stack, a logged object), the password of any URL in it is replaced. Known secret
// fields are removed earlier, by the logger's redact paths.

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*):([^\s@"'\\/]+)@/gi;

export const REDACTED = '[redacted]';

/** postgres://user:secret@host/db → postgres://user:[redacted]@host/db, anywhere in the text. */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, prefix: string) => `${prefix}:${REDACTED}@`);
}

/** pino redact paths: fields that hold a secret, wherever a service might log them. */
export const SECRET_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'authorization',
  '*.authorization',
  'headers["x-api-key"]',
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** /users/1/orders?key=abc → /users/1/orders?[redacted]: a query string may carry a key or a token. */
export function redactQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 || at === url.length - 1 ? url : `${url.slice(0, at + 1)}${REDACTED}`;
}
