// Rules for dist-tag names.
import { isValidVersion } from './semver';

export function tagProblem(tag: string): string | null {
  if (tag === '') return 'A dist-tag needs a name.';
  if (tag.length > 128) return 'The dist-tag "' + tag.slice(0, 40) + '…" is too long.';
  if (encodeURIComponent(tag) !== tag) return 'The dist-tag "' + tag + '" has characters that are not URL-safe.';
  if (isValidVersion(tag) || /^v?\d+(\.\d+)?(\.\d+)?$/.test(tag)) return 'The dist-tag "' + tag + '" looks like a version; tags must not.';
  return null;
}
