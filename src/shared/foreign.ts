// Foreign packages, from the CommonJS registry design: a name registered here whose metadata
// lives elsewhere. PUT /NAME {"name","maintainers","url",…} registers one; GET /NAME redirects.
import { fail, type Failure } from './errors';
import { isObject } from './equal';
import { isMaintainer, type Actor } from './actor';
import { packageNameProblem } from './package-name';
import { isForeign, livePackage, type Maintainer, type PackageDoc } from './packument';

export function isForeignRequest(body: Record<string, unknown>): boolean {
  return typeof body.url === 'string' && body.versions === undefined && body._attachments === undefined;
}

export function urlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || !/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(url) || url.length > 2048) {
    return 'A foreign package needs a url that starts with http:// or https://.';
  }
  return null;
}

export function registerForeign(old: PackageDoc | null, body: Record<string, unknown>, urlName: string, actor: Actor, now: string): { ok: true; doc: PackageDoc } | Failure {
  const name = body.name;
  const nameProblem = packageNameProblem(name);
  if (nameProblem) return fail(400, nameProblem);
  if (name !== urlName || (body._id !== undefined && body._id !== name)) {
    return fail(400, 'The package name in the request (' + String(name) + ') does not match the URL (' + urlName + ').');
  }
  if (!actor.name) return fail(401, 'You must be logged in to register packages. Run `npm login`.');
  const problem = urlProblem(body.url);
  if (problem) return fail(400, problem);
  const maintainers = maintainerList(body.maintainers);
  if (!maintainers) return fail(400, 'A foreign package needs a list of maintainers, like [{"name":"alice"}].');
  const live = livePackage(old);
  if (live) {
    if (!isForeign(live)) return fail(403, urlName + ' is a package published to this registry; it cannot be turned into a foreign package.');
    if (!actor.isAdmin && !isMaintainer(live.maintainers, actor.name)) return fail(403, 'You are not a maintainer of ' + urlName + ', so you cannot change it.');
  } else if (old && !actor.isAdmin && old.maintainers && old.maintainers.length > 0 && !isMaintainer(old.maintainers, actor.name)) {
    return fail(403, 'The name ' + urlName + ' belonged to other maintainers; only they can register it again.');
  }
  if (!actor.isAdmin && !isMaintainer(maintainers, actor.name)) return fail(400, 'You must be one of the maintainers of a package you register.');
  const time: Record<string, string> = {};
  const oldTime = (old && old.time) || {};
  for (const k of Object.keys(oldTime)) time[k] = oldTime[k];
  if (!time.created) time.created = now;
  time.modified = now;
  const doc: PackageDoc = { _id: urlName, name: urlName, url: body.url as string, maintainers: maintainers, time: time };
  if (old && old._rev) doc._rev = old._rev;
  if (typeof body.description === 'string') doc.description = body.description;
  if (isKeywords(body.keywords)) doc.keywords = body.keywords;
  return { ok: true, doc: doc };
}

function isKeywords(v: unknown): v is string[] {
  return Object.prototype.toString.call(v) === '[object Array]' && (v as unknown[]).every((k) => typeof k === 'string');
}

/** Accepts [{"name":"alice"}] or ["alice"]; null when it is not a non-empty list of user names. */
export function maintainerList(v: unknown): Maintainer[] | null {
  if (Object.prototype.toString.call(v) !== '[object Array]') return null;
  const list = v as unknown[];
  if (list.length === 0) return null;
  const out: Maintainer[] = [];
  for (const m of list) {
    if (typeof m === 'string' && m !== '') out.push({ name: m });
    else if (isObject(m) && typeof m.name === 'string' && m.name !== '') {
      const entry: Maintainer = { name: m.name };
      if (typeof m.email === 'string') entry.email = m.email;
      out.push(entry);
    } else return null;
  }
  return out;
}
