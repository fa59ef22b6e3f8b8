import { v5 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { hashDiff, hubHashKey, linkHashKey, normaliseHashInput, NULL_MARKER, VAULT_NAMESPACE } from '../../src/vault/hash-keys.ts';

describe('hash keys', () => {
  it('is uuid v5 under the project namespace over the normalised business key', () => {
    expect(hubHashKey(' 0000000000000000000000ab ')).toBe(v5('0000000000000000000000AB', VAULT_NAMESPACE));
    expect(hubHashKey('Soups')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('equals the uuid package for long and non-ASCII names too', () => {
    const long = 'Ä'.repeat(400);
    expect(hubHashKey(long)).toBe(v5(long, VAULT_NAMESPACE));
    expect(hubHashKey('Борщ')).toBe(v5('БОРЩ', VAULT_NAMESPACE));
    expect(hubHashKey('x')).toBe(v5('X', VAULT_NAMESPACE));
  });

  it('never changes: rows already in the vault were keyed with it', () => {
    // Pinned once; a different value means the namespace, normalisation or joining changed, and
    // the same business key would land on a second key in an existing vault.
    expect(hubHashKey(42)).toBe('9721a576-a126-515a-b778-6984224ddab2');
    expect(linkHashKey(hubHashKey(42), hubHashKey('Soups'))).toBe('efbe2552-7a92-5e6f-b123-06f006c2f9a7');
  });

  it('normalises case and surrounding blanks, and numbers like their text', () => {
    expect(hubHashKey('main courses')).toBe(hubHashKey('  MAIN COURSES\t'));
    expect(hubHashKey(7)).toBe(hubHashKey('7'));
    expect(hubHashKey('Soups')).not.toBe(hubHashKey('Soup'));
  });

  it('marks nulls and blanks so that their position matters', () => {
    expect(normaliseHashInput(null)).toBe(NULL_MARKER);
    expect(normaliseHashInput('   ')).toBe(NULL_MARKER);
    expect(hashDiff('a', null)).not.toBe(hashDiff(null, 'a'));
    expect(hashDiff('a', null)).toBe(hashDiff('A ', undefined));
    expect(hashDiff('ab', 'c')).not.toBe(hashDiff('a', 'bc'));
  });

  it('keys links by their hub keys in order', () => {
    const order = hubHashKey(1);
    const product = hubHashKey('p');
    expect(linkHashKey(order, product)).toBe(v5(`${order}||${product}`.toUpperCase(), VAULT_NAMESPACE));
    expect(linkHashKey(order, product)).not.toBe(linkHashKey(product, order));
  });

  it('refuses keys without a business key', () => {
    expect(() => hubHashKey()).toThrow(TypeError);
    expect(() => hubHashKey(null)).toThrow(TypeError);
    expect(() => hubHashKey(' ')).toThrow(TypeError);
    expect(() => linkHashKey(hubHashKey(1))).toThrow(TypeError);
  });
});
