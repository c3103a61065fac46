import { describe, it, expect } from 'vitest';
import { routes, type Route } from '../../couchapp/routes';
import { routeProblems, shadows, toRewrites } from '../../src/ddoc/rewrites';
import { buildDesignDocs } from '../../src/ddoc/build';

const r = (method: Route['method'], from: string): Route => ({ method, from, to: { show: 'x' }, npm: '' });

describe('couchapp/routes.ts (the route table)', () => {
  it('has a target for every route and no rule shadowed by an earlier one', async () => {
    const docs = await buildDesignDocs();
    expect(routeProblems(routes, docs.app as never, docs.users as never, 'registry')).toEqual([]);
  });

  it('becomes one rewrite rule per route, in the same order', () => {
    const rules = toRewrites(routes);
    expect(rules.map((x) => x.method + ' ' + x.from)).toEqual(routes.map((x) => x.method + ' ' + x.from));
    expect(rules.find((x) => x.from === '/-/ping')).toEqual({ from: '/-/ping', to: '_show/ping', method: 'GET' });
  });

  it('keeps the package tarball route a plain attachment (no JavaScript on the hot path)', () => {
    const rule = toRewrites(routes).find((x) => x.from === '/:pkg/-/:file');
    expect(rule).toEqual({ from: '/:pkg/-/:file', to: '../../:pkg/:file', method: 'GET' });
  });

  it('detects a rule that an earlier parameter rule swallows', () => {
    expect(shadows(r('GET', '/:pkg/:version'), r('GET', '/-/whoami'))).toBe(true);
    expect(shadows(r('GET', '/-/whoami'), r('GET', '/:pkg/:version'))).toBe(false);
    expect(shadows(r('PUT', '/:pkg'), r('GET', '/:pkg'))).toBe(false);
    expect(shadows(r('GET', '/:pkg'), r('GET', '/:pkg/-/:file'))).toBe(false);
    expect(shadows(r('GET', '/a/*'), r('GET', '/a/b/c'))).toBe(true);
    const broken = [r('GET', '/:pkg/:version'), r('GET', '/-/whoami')];
    expect(routeProblems(broken, { shows: { x: 1 }, updates: {}, views: {} }, { updates: {} }, 'registry'))
      .toEqual(['GET /-/whoami is shadowed by GET /:pkg/:version']);
  });

  it('reports a target that does not exist and an unbound variable', () => {
    const bad: Route[] = [
      { method: 'GET', from: '/a', to: { show: 'nope' }, npm: '' },
      { method: 'GET', from: '/b', to: { doc: ':pkg' }, npm: '' },
    ];
    expect(routeProblems(bad, { shows: {}, updates: {}, views: {} }, { updates: {} }, 'registry')).toEqual([
      'GET /a targets a missing show nope',
      'GET /b uses :pkg in its target but does not bind it',
    ]);
  });
});
