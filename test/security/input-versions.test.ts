// Issue 16, "Also": `1.0.0+build.1` and `1.0.0+build.2` were stored as two versions, though
// semver gives them the same precedence and npm treats them as one (npm publish strips build
// metadata). The registry refuses a version whose number differs from an existing or once-used
// one only in build metadata, with a sentence, and leaves the document as it was.
import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { createRegistry, http, signedUp, storedDoc, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';
import { publish } from '../../src/shared/publish';
import { buildTwin, withoutBuild } from '../../src/shared/semver';
import type { PackageDoc } from '../../src/shared/packument';

describe('build metadata: the rule', () => {
  it('finds a version that differs only in build metadata', () => {
    expect(withoutBuild('1.0.0+build.1')).toBe('1.0.0');
    expect(withoutBuild('1.0.0-rc.1+b')).toBe('1.0.0-rc.1');
    expect(buildTwin('1.0.0+build.2', ['0.9.0', '1.0.0+build.1'])).toBe('1.0.0+build.1');
    expect(buildTwin('1.0.0', ['1.0.0+build.1'])).toBe('1.0.0+build.1');
    expect(buildTwin('1.0.0+x', ['1.0.0'])).toBe('1.0.0');
    expect(buildTwin('1.0.0-rc.1+x', ['1.0.0+x', '1.0.0-rc.2'])).toBeNull();
    expect(buildTwin('1.0.0', ['1.0.0', 'created', 'modified'])).toBeNull();
  });

  it('counts versions used before and unpublished (kept in time)', () => {
    const old = { _id: 'p', name: 'p', time: { created: 't', modified: 't', '2.0.0+a': 't' }, maintainers: [{ name: 'u' }] } as unknown as PackageDoc;
    const body = publishBody('p', '2.0.0+b');
    const digest = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      return { length: bytes.length, sha512: 'sha512-' + createHash('sha512').update(bytes).digest('base64'), sha1hex: createHash('sha1').update(bytes).digest('hex') };
    };
    const r = publish(old, body as unknown as Record<string, unknown>, 'p', { name: 'u', isAdmin: false }, 'now', digest);
    expect(r).toMatchObject({ ok: false, status: 403 });
    expect(JSON.stringify(r)).toContain('differs from 2.0.0+a, published here before, only in its build metadata');
  });
});

describe('build metadata: publishing', () => {
  let reg: TestRegistry;
  let token: string;
  const put = (name: string, body: unknown) => http(reg.url + name, { method: 'PUT', json: body, headers: { authorization: 'Bearer ' + token } });

  beforeAll(async () => {
    reg = await createRegistry('input-versions');
    token = (await signedUp(reg.url, 'bea', uniqueUser('bea'))).token() as string;
    const first = await put('built', publishBody('built', '1.0.0+build.1'));
    expect(first.status, first.text).toBe(201);
  });

  for (const v of ['1.0.0+build.2', '1.0.0']) {
    it('refuses ' + v + ' beside 1.0.0+build.1 with a sentence, and changes nothing', async () => {
      const before = await storedDoc(reg, 'built');
      const r = await put('built', publishBody('built', v));
      expect(r.status, r.text).toBe(403);
      expect(r.json.error).toBe('Version ' + v + ' of built differs from 1.0.0+build.1, published here before, only in its build metadata (after "+"), which npm and semver ignore: give it a new version number.');
      expect(await storedDoc(reg, 'built')).toEqual(before);
    });
  }

  it('still accepts a new version number with its own build metadata', async () => {
    const r = await put('built', publishBody('built', '1.0.1+build.1', { tag: 'next' }));
    expect(r.status, r.text).toBe(201);
    expect(Object.keys((await storedDoc(reg, 'built')).versions).sort()).toEqual(['1.0.0+build.1', '1.0.1+build.1']);
  });

  it('refuses a direct PUT that adds a build-metadata twin (validate_doc_update), and changes nothing', async () => {
    const before = await storedDoc(reg, 'built');
    const doc = JSON.parse(JSON.stringify(before));
    doc.versions['1.0.0+build.9'] = { ...doc.versions['1.0.0+build.1'], version: '1.0.0+build.9' };
    doc.time['1.0.0+build.9'] = new Date().toISOString();
    const r = await http(reg.origin + '/' + reg.db + '/built', { method: 'PUT', json: doc, headers: { authorization: 'Bearer ' + token } });
    expect(r.status, r.text).toBe(403);
    expect(r.json.reason).toMatch(/^Version 1\.0\.0\+build\.9 of built differs from 1\.0\.0\+build\.1, published here before, only in its build metadata/);
    expect(await storedDoc(reg, 'built')).toEqual(before);
  });
});
