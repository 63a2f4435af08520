import type { FullItem } from '../../src/connect/connect-api.types.js';
import { contentDisposition } from '../../src/files/content-disposition.util.js';
import { connectContentPathOf, idsInContentPath, presentFile } from '../../src/files/file-presenter.js';
import { canonicalJson, requestHash } from '../../src/items/idempotency/request-hash.util.js';
import { presentItem } from '../../src/items/item-presenter.js';
import { parseOtpValue, secondsRemaining, totpCode } from '../../src/items/otp/totp.util.js';
import { FriendlyPatchCompiler, normalizeRawOperations, pointerToken } from '../../src/items/patch/patch-compiler.js';
import { pageOfSorted, pageSorted, sortRows, toPageRequest } from '../../src/vaults/sorted-page.util.js';
import { createSecretKey, randomBytes } from 'node:crypto';
import { AppException } from '../../src/common/errors/app-exception.js';

const V = 'v'.repeat(26);
const I = 'i'.repeat(26);
const F = 'f'.repeat(26);

describe('pagination over whole arrays', () => {
  const rows = Array.from({ length: 257 }, (_, n) => ({ id: `id${String((n * 7919) % 1000).padStart(4, '0')}`, title: ['beta', 'Alpha', 'alpha', 'Gamma', undefined][n % 5] }));
  const key = (r: { id: string; title?: string }) => ({ title: r.title, id: r.id });
  const expected = [...rows].sort((a, b) => {
    const ta = (a.title ?? '').toLowerCase();
    const tb = (b.title ?? '').toLowerCase();
    return ta < tb ? -1 : ta > tb ? 1 : a.id < b.id ? -1 : 1;
  });

  it.each([1, 7, 50, 256, 257, 500])('heap paging and sorted paging agree and cover every row once (limit %i)', (limit) => {
    for (const pager of ['heap', 'sorted'] as const) {
      const sorted = sortRows(rows, key);
      const seen: typeof rows = [];
      let cursor: string | undefined;
      do {
        const request = toPageRequest({ limit, cursor });
        const page = pager === 'heap' ? pageSorted(rows, key, request) : pageOfSorted(sorted, request);
        expect(page.data.length).toBeLessThanOrEqual(limit);
        seen.push(...page.data);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
    }
  });

  it('all=true returns every row after the cursor; filters apply in sorted paging', () => {
    const first = pageSorted(rows, key, toPageRequest({ limit: 10 }));
    expect(pageSorted(rows, key, toPageRequest({ all: true, cursor: first.nextCursor! })).data).toEqual(expected.slice(10));
    const onlyGamma = pageOfSorted(sortRows(rows, key), toPageRequest({ limit: 5 }), (r) => r.title === 'Gamma');
    expect(onlyGamma.data).toEqual(expected.filter((r) => r.title === 'Gamma').slice(0, 5));
  });

  it('refuses a cursor it did not issue', () => {
    expect(() => toPageRequest({ cursor: Buffer.from(JSON.stringify({ k: [1] })).toString('base64url') })).toThrow(AppException);
    expect(() => toPageRequest({ cursor: '!!!' })).toThrow(AppException);
  });
});

describe('file presentation', () => {
  it('absorbs both casings of the content path and replaces it by contentUrl', () => {
    const path = `/v1/vaults/${V}/items/${I}/files/${F}/content`;
    expect(connectContentPathOf({ id: F, name: 'a', size: 1, content_path: path })).toBe(path);
    expect(connectContentPathOf({ id: F, name: 'a', size: 1, contentPath: path.slice(1) })).toBe(path.slice(1));
    expect(presentFile('acc', V, I, { id: F, name: 'a', size: 1, contentPath: path, section: { id: 's' } })).toEqual({
      id: F, name: 'a', size: 1, section: { id: 's' }, contentUrl: `/v1/connected-accounts/acc/vaults/${V}/items/${I}/files/${F}/content`,
    });
  });

  it('passes every other property on as data, "__proto__" included, without touching the prototype', () => {
    const wire = JSON.parse(`{"id":"${F}","name":"a","size":1,"content_path":"/v1/vaults/${V}/items/${I}/files/${F}/content","__proto__":{"polluted":true},"future":[1]}`);
    const presented = presentFile('acc', V, I, wire) as unknown as Record<string, unknown>;
    expect(Object.keys(presented)).toEqual(['id', 'name', 'size', '__proto__', 'future', 'contentUrl']);
    expect(Object.getPrototypeOf(presented)).toBe(Object.prototype);
    expect(presented.polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(presented))).toEqual(JSON.parse(`{"id":"${F}","name":"a","size":1,"__proto__":{"polluted":true},"future":[1],"contentUrl":"/v1/connected-accounts/acc/vaults/${V}/items/${I}/files/${F}/content"}`));
  });

  it('reads the ids of a content path, with or without the leading slash, and nothing else', () => {
    expect(idsInContentPath(`/v1/vaults/${V}/items/${I}/files/${F}/content`)).toEqual({ vaultId: V, itemId: I, fileId: F });
    expect(idsInContentPath(`v1/vaults/${V}/items/${I}/files/${F}/content`)).toEqual({ vaultId: V, itemId: I, fileId: F });
    expect(idsInContentPath(`https://evil/v1/vaults/${V}/items/${I}/files/${F}/content`)).toBeUndefined();
    expect(idsInContentPath('/v1/vaults/../items')).toBeUndefined();
    expect(idsInContentPath(undefined)).toBeUndefined();
  });

  it('keeps unknown properties and reads TOTP as OTP in items', () => {
    const item = { id: I, vault: { id: V }, category: 'FUTURE', newThing: { a: 1 }, fields: [{ id: 'x', type: 'TOTP', value: 'v', shiny: true }] } as unknown as FullItem;
    expect(presentItem('acc', item)).toEqual({ ...item, fields: [{ id: 'x', type: 'OTP', value: 'v', shiny: true }] });
  });
});

describe('Content-Disposition', () => {
  it.each([
    ['cert.pem', 'attachment; filename="cert.pem"'],
    ['a"b.txt', `attachment; filename="a_b.txt"; filename*=UTF-8''a%22b.txt`],
    ['evil\r\nSet-Cookie: x=1', `attachment; filename="evilSet-Cookie: x=1"`],
    ['../../etc/passwd', `attachment; filename=".._.._etc_passwd"`],
    ['日本.pdf', `attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`],
    ["it's (1).txt", `attachment; filename="it's (1).txt"`],
    ['', 'attachment; filename="file"'],
  ])('%j → %s', (name, header) => {
    expect(contentDisposition(name)).toBe(header);
    expect(contentDisposition(name)).not.toMatch(/[\r\n]/);
  });
});

describe('one-time passwords', () => {
  // RFC 6238 appendix B, SHA-1, 8 digits, secret "12345678901234567890".
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1234567890, '89005924'],
    [20000000000, '65353130'],
  ])('computes the RFC 6238 vector at %i s', (seconds, code) => {
    const params = parseOtpValue(`otpauth://totp/x?secret=${secret}&digits=8`)!;
    expect(totpCode(params, seconds * 1000)).toBe(code);
  });

  it('reads the period (default 30) and counts the seconds remaining', () => {
    expect(parseOtpValue('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP')!.period).toBe(30);
    expect(parseOtpValue('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&period=60')!.period).toBe(60);
    expect(parseOtpValue('otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP')).toBeUndefined();
    expect(parseOtpValue('not base32 !')).toBeUndefined();
    expect(secondsRemaining(30, 0)).toBe(30);
    expect(secondsRemaining(30, 29_999)).toBe(1);
    expect(secondsRemaining(60, 61_000)).toBe(59);
  });
});

describe('idempotency request hash', () => {
  it('is the same for the same request whatever the key order, and differs otherwise', () => {
    const kek = createSecretKey(randomBytes(32));
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(requestHash(kek, { a: 1, b: 2 }).equals(requestHash(kek, { b: 2, a: 1 }))).toBe(true);
    expect(requestHash(kek, { a: 1 }).equals(requestHash(kek, { a: 2 }))).toBe(false);
    expect(requestHash(kek, { a: 1 }).equals(requestHash(createSecretKey(randomBytes(32)), { a: 1 }))).toBe(false);
  });
});

describe('PATCH compilation', () => {
  const item = {
    id: I, vault: { id: V }, category: 'SERVER', title: 'T',
    sections: [{ id: 'conn', label: 'Connection' }, { id: 'old', label: 'Old' }],
    fields: [
      { id: 'a/b~c', type: 'STRING', label: 'odd id', value: 'x' },
      { id: 'pw1', type: 'CONCEALED', label: 'password', value: 'p1', section: { id: 'conn' } },
      { id: 'pw2', type: 'CONCEALED', label: 'password', value: 'p2', section: { id: 'old' }, entropy: 20 },
      { id: 'nolabel', type: 'STRING' },
    ],
  } as FullItem;

  it('escapes field ids as JSON pointer tokens and uses add for attributes a field lacks', () => {
    expect(pointerToken('a/b~c')).toBe('a~1b~0c');
    const ops = new FriendlyPatchCompiler(item).compile({ title: 'New', tags: ['t'], fields: [{ label: 'odd id', value: 'y' }, { id: 'nolabel', value: 'v', newLabel: 'named' }] });
    expect(ops).toEqual([
      { op: 'replace', path: '/title', value: 'New' },
      { op: 'add', path: '/tags', value: ['t'] },
      { op: 'replace', path: '/fields/a~1b~0c/value', value: 'y' },
      { op: 'add', path: '/fields/nolabel/value', value: 'v' },
      { op: 'add', path: '/fields/nolabel/label', value: 'named' },
    ]);
  });

  it('regenerates a field whole, without its value and read-only parts', () => {
    const ops = new FriendlyPatchCompiler(item).compile({ fields: [{ label: 'password', section: 'old', generate: true, recipe: { length: 10 } }] });
    expect(ops).toEqual([{ op: 'replace', path: '/fields/pw2', value: { id: 'pw2', type: 'CONCEALED', label: 'password', section: { id: 'old' }, generate: true, recipe: { length: 10 } } }]);
  });

  it('sees earlier changes: a renamed field is found by its new label, a removed one is gone', () => {
    const compiler = () => new FriendlyPatchCompiler(item);
    expect(compiler().compile({ fields: [{ label: 'odd id', newLabel: 'even' }, { label: 'even', value: 'z' }] })).toHaveLength(2);
    expect(() => compiler().compile({ fields: [{ id: 'pw1', remove: true }, { id: 'pw1', value: 'z' }] })).toThrow(/No field/);
  });

  it('names the label of an unknown or ambiguous field, never a value', () => {
    const run = (fields: object[]) => {
      try {
        new FriendlyPatchCompiler(item).compile({ fields } as never);
      } catch (error) {
        return error as AppException;
      }
      throw new Error('no error');
    };
    const unknown = run([{ label: 'token', value: 'secret-value' }]);
    expect(unknown.code).toBe('FIELD_NOT_FOUND');
    expect(unknown.message).toContain('"token"');
    const ambiguous = run([{ label: 'password', value: 'secret-value' }]);
    expect(ambiguous.code).toBe('FIELD_AMBIGUOUS');
    expect(JSON.stringify({ m: ambiguous.message, d: ambiguous.details })).not.toMatch(/secret-value|p1|p2/);
  });

  it('sends raw operations as given, with TOTP written as OTP', () => {
    expect(normalizeRawOperations([
      { op: 'add', path: '/fields', value: { type: 'TOTP', label: 'otp' } },
      { op: 'replace', path: '/fields/x/type', value: 'TOTP' },
      { op: 'replace', path: '/title', value: 'TOTP' },
      { op: 'remove', path: '/fields/y' },
    ])).toEqual([
      { op: 'add', path: '/fields', value: { type: 'OTP', label: 'otp' } },
      { op: 'replace', path: '/fields/x/type', value: 'OTP' },
      { op: 'replace', path: '/title', value: 'TOTP' },
      { op: 'remove', path: '/fields/y' },
    ]);
  });
});
