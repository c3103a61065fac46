import { describe, it, expect } from 'vitest';
import { routes, type Route } from '../../couchapp/routes';
import { routeProblems, shadows, targetPath, toRewrites } from '../../src/ddoc/rewrites';
import { buildDesignDocs } from '../../src/ddoc/build';

const r = (method: Route['method'], from: string): Route => ({ method, from, to: { show: 'x' }, npm: '' });

describe('couchapp/routes.ts (the route table)', () => {
  it('has a target for every route and no rule shadowed by an earlier one', async () => {
    const docs = await buildDesignDocs();
    expect(routeProblems(routes, docs.app as never, docs.views, docs.users as never, 'registry')).toEqual([]);
  });

  it('becomes one rewrite rule per route, in the same order, the /-/ routes behind one rule', () => {
    const rules = toRewrites(routes);
    const all = [...rules.app.filter((x) => x.from !== '/-/*'), ...rules.api];
    expect(all.map((x) => x.method + ' ' + x.from).sort()).toEqual(routes.map((x) => x.method + ' ' + x.from).sort());
    expect(rules.api.map((x) => x.from)).toEqual(routes.filter((x) => x.from.startsWith('/-/')).map((x) => x.from));
    expect(rules.app.find((x) => x.from === '/-/*')).toEqual({ from: '/-/*', to: '../api/_rewrite/-/*', method: '*' });
    expect(rules.api.find((x) => x.from === '/-/ping')).toEqual({ from: '/-/ping', to: '../app/_show/ping', method: 'GET' });
    expect(rules.api.find((x) => x.from === '/-/user/:user' && x.method === 'GET')).toEqual({ from: '/-/user/:user', to: '../../../_users/:user', method: 'GET' });
    expect(rules.app.length).toBeLessThan(10);
  });

  it('reads every view from the views design doc, lists included (`_list/LIST/views/VIEW`)', () => {
    const rules = toRewrites(routes).api;
    expect(rules.find((x) => x.from === '/-/v1/search')).toMatchObject({ to: '../app/_list/search/views/search' });
    expect(rules.find((x) => x.from === '/-/by-user/:user')).toMatchObject({ to: '../app/_list/by-user/views/by-maintainer' });
    expect(rules.find((x) => x.from === '/-/_view/starredByUser')).toMatchObject({ to: '../views/_view/starredByUser' });
    expect(targetPath({ list: 'all', view: 'modified' })).toBe('_list/all/views/modified');
    expect(targetPath({ view: 'modified' })).toBe('../views/_view/modified');
  });

  it('serves the hot paths first: the tarball as a plain attachment (no JavaScript), then the packument', () => {
    const first = toRewrites(routes).app.slice(0, 2);
    expect(first).toEqual([
      { from: '/:pkg/-/:file', to: '../../:pkg/:file', method: 'GET' },
      { from: '/:pkg', to: '_show/package/:pkg', method: 'GET' },
    ]);
  });

  it('detects a rule that an earlier parameter rule swallows', () => {
    expect(shadows(r('GET', '/:pkg/:version'), r('GET', '/-/whoami'))).toBe(true);
    expect(shadows(r('GET', '/-/whoami'), r('GET', '/:pkg/:version'))).toBe(false);
    expect(shadows(r('PUT', '/:pkg'), r('GET', '/:pkg'))).toBe(false);
    expect(shadows(r('GET', '/:pkg'), r('GET', '/:pkg/-/:file'))).toBe(false);
    expect(shadows(r('GET', '/a/*'), r('GET', '/a/b/c'))).toBe(true);
    const broken = [r('GET', '/:pkg/:version'), r('GET', '/-/whoami')];
    expect(routeProblems(broken, { shows: { x: 1 }, updates: {} }, { views: {} }, { updates: {} }, 'registry'))
      .toEqual(['GET /-/whoami is shadowed by GET /:pkg/:version']);
  });

  it('reports a target that does not exist and an unbound variable', () => {
    const bad: Route[] = [
      { method: 'GET', from: '/a', to: { show: 'nope' }, npm: '' },
      { method: 'GET', from: '/b', to: { doc: ':pkg' }, npm: '' },
      { method: 'GET', from: '/c', to: { list: 'l', view: 'gone' }, npm: '' },
      { method: 'GET', from: '/d', to: { view: 'gone' }, npm: '' },
    ];
    expect(routeProblems(bad, { shows: {}, updates: {}, lists: { l: 1 } }, { views: {} }, { updates: {} }, 'registry')).toEqual([
      'GET /a targets a missing show nope',
      'GET /b uses :pkg in its target but does not bind it',
      'GET /c targets a missing view gone',
      'GET /d targets a missing view gone',
    ]);
  });
});
