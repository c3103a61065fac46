// Turns couchapp/routes.ts into CouchDB array rewrite rules, and checks the table's integrity.
import type { Route, Target } from '../../couchapp/routes';

export interface RewriteRule {
  from: string;
  to: string;
  method: string;
  query?: Record<string, string | unknown[]>;
}

/**
 * The design doc that holds the registry's functions, the one its `/-/…` routes live in, and the
 * one that holds its views (and nothing else: see src/ddoc/build.ts).
 */
export const APP = 'app';
export const API = 'api';
export const VIEWS = 'views';
const API_PREFIX = '/-/';

/**
 * Where a target lives, relative to the design doc whose rewrite rule points at it
 * (`/<db>/_design/<name>/`). Functions all live in the app design doc, views in the views design
 * doc; a list reads its view there (`_list/LIST/views/VIEW`, which CouchDB and the stand-in allow).
 */
export function targetPath(to: Target, from: string = APP): string {
  const fn = from === APP ? '' : '../' + APP + '/';
  if ('show' in to) return fn + '_show/' + to.show + (to.doc ? '/' + to.doc : '');
  if ('update' in to) return fn + '_update/' + to.update + (to.doc ? '/' + to.doc : '');
  if ('list' in to) return fn + '_list/' + to.list + '/' + VIEWS + '/' + to.view;
  if ('view' in to) return '../' + VIEWS + '/_view/' + to.view;
  if ('users' in to) return '../../../_users/' + to.users;
  if ('server' in to) return '../../../' + to.server;
  return '../../' + to.doc + (to.attachment ? '/' + to.attachment : '');
}

function rule(r: Route, ddoc: string): RewriteRule {
  const out: RewriteRule = { from: r.from, to: targetPath(r.to, ddoc), method: r.method };
  if (r.query) out.query = r.query;
  return out;
}

export function isApiRoute(r: Route): boolean {
  return r.from.indexOf(API_PREFIX) === 0;
}

/**
 * The rules of both design docs, in table order: the app gets the package routes and, where the
 * first `/-/` route stood, one rule handing every `/-/…` request to the api design doc.
 */
export function toRewrites(routes: Route[]): { app: RewriteRule[]; api: RewriteRule[] } {
  const app: RewriteRule[] = [];
  const api: RewriteRule[] = [];
  for (const r of routes) {
    if (!isApiRoute(r)) {
      app.push(rule(r, APP));
      continue;
    }
    if (api.length === 0) app.push({ from: API_PREFIX + '*', to: '../' + API + '/_rewrite' + API_PREFIX + '*', method: '*' });
    api.push(rule(r, API));
  }
  return { app, api };
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** True when every path `later` can match is matched by `earlier` first (same method). */
export function shadows(earlier: Route, later: Route): boolean {
  if (earlier.method !== later.method) return false;
  const a = segments(earlier.from);
  const b = segments(later.from);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '*') return true;
    if (i >= b.length) return false;
    if (b[i] === '*') return false;
    if (a[i].charAt(0) === ':') continue;
    if (a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}

export interface DesignDocFunctions {
  shows: Record<string, unknown>;
  updates: Record<string, unknown>;
  lists?: Record<string, unknown>;
}

/** Problems with the route table, as sentences; empty when it is sound. */
export function routeProblems(routes: Route[], app: DesignDocFunctions, views: { views: Record<string, unknown> }, users: { updates: Record<string, unknown> }, usersDdoc: string): string[] {
  const problems: string[] = [];
  routes.forEach((r, i) => {
    const label = r.method + ' ' + r.from;
    const to = r.to;
    if ('show' in to && !app.shows[to.show]) problems.push(label + ' targets a missing show ' + to.show);
    if ('update' in to && !app.updates[to.update]) problems.push(label + ' targets a missing update handler ' + to.update);
    // a list target names its view too, which must be in the views design doc
    if ('view' in to && !views.views[to.view]) problems.push(label + ' targets a missing view ' + to.view);
    if ('list' in to && !(app.lists || {})[to.list]) problems.push(label + ' targets a missing list ' + to.list);
    if ('users' in to) {
      const m = /^_design\/([^/]+)\/_update\/([^/]+)/.exec(to.users);
      if (m && (m[1] !== usersDdoc || !users.updates[m[2]])) problems.push(label + ' targets a missing _users update handler ' + m[2]);
    }
    const fromVars = segments(r.from).filter((s) => s.charAt(0) === ':');
    for (const v of segments(targetPath(to, isApiRoute(r) ? API : APP)).filter((s) => s.charAt(0) === ':')) {
      if (fromVars.indexOf(v) < 0) problems.push(label + ' uses ' + v + ' in its target but does not bind it');
    }
    for (let j = 0; j < i; j++) {
      if (shadows(routes[j], r)) problems.push(label + ' is shadowed by ' + routes[j].method + ' ' + routes[j].from);
    }
  });
  return problems;
}
