// The last line of defence against secrets in logs: whatever a log line carries (a message, an
// error's text or stack, a logged object), the password of any URL in it is replaced. Fields named
// like secrets are removed earlier, when the logged object is copied (loggable.ts).

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*):([^\s@"'\\/]+)@/gi;

export const REDACTED = '[redacted]';

/** postgres://user:secret@host/db → postgres://user:[redacted]@host/db, anywhere in the text. */
export function scrubSecrets(text: string): string {
  return text.replace(URL_CREDENTIALS, (_match, prefix: string) => `${prefix}:${REDACTED}@`);
}

/** /users/1/orders?key=abc → /users/1/orders?[redacted]: a query string may carry a key or a token. */
export function redactQuery(url: string): string {
  const at = url.indexOf('?');
  return at === -1 || at === url.length - 1 ? url : `${url.slice(0, at + 1)}${REDACTED}`;
}
