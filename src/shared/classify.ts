// PUT /:pkg and PUT /:pkg/-rev/:rev carry several intents. Classify the body first, then each
// intent is handled by its own small function.
import { isObject } from './equal';
import { isForeignRequest } from './foreign';

export type Intent = 'publish' | 'foreign' | 'owners' | 'star' | 'versions';

export function classify(body: Record<string, unknown>): Intent | null {
  const attachments = body._attachments;
  if (isObject(attachments) && Object.keys(attachments).some((k) => isObject(attachments[k]) && typeof (attachments[k] as Record<string, unknown>).data === 'string')) {
    return 'publish';
  }
  if (isForeignRequest(body)) return 'foreign';
  // npm publish never sends _rev; a new version without its tarball is still a (broken) publish.
  if (isObject(body.versions) && body._rev === undefined) return 'publish';
  const keys = Object.keys(body).filter((k) => k !== '_id' && k !== '_rev');
  if (keys.length === 1 && keys[0] === 'maintainers') return 'owners';
  if (keys.length === 1 && keys[0] === 'users') return 'star';
  // A whole document sent back with _rev: deprecate, or unpublish of one version.
  if (isObject(body.versions) && typeof body._rev === 'string') return 'versions';
  return null;
}
