// Checks a downloaded tarball against the digests its packument promises, the way npm checks it
// at install: dist.integrity (Subresource Integrity; the strongest algorithm listed decides),
// and dist.shasum (hex SHA-1) when it is there too. A mirror must never store bytes npm would reject.
import { createHash } from 'node:crypto';

const STRENGTH = ['sha512', 'sha384', 'sha256', 'sha1'];

/** Why the bytes do not match, as a sentence, or null when they do. */
export function tarballProblem(bytes: Buffer, dist: { integrity?: string; shasum?: string }, label: string): string | null {
  let checked = false;
  if (dist.integrity) {
    const entries = dist.integrity.trim().split(/\s+/).map((e) => {
      const dash = e.indexOf('-');
      return { algo: e.slice(0, dash).toLowerCase(), digest: e.slice(dash + 1).split('?')[0] };
    });
    const algo = STRENGTH.find((a) => entries.some((e) => e.algo === a));
    if (algo) {
      const actual = createHash(algo).update(bytes).digest('base64');
      if (!entries.some((e) => e.algo === algo && e.digest === actual)) {
        return 'The tarball of ' + label + ' does not match its dist.integrity (' + algo + '): it was damaged or altered; not stored.';
      }
      checked = true;
    }
  }
  if (dist.shasum) {
    if (createHash('sha1').update(bytes).digest('hex') !== dist.shasum.toLowerCase()) {
      return 'The tarball of ' + label + ' does not match its dist.shasum (sha1): it was damaged or altered; not stored.';
    }
    checked = true;
  }
  return checked ? null : 'The tarball of ' + label + ' has no digest this mirror understands (' + String(dist.integrity) + '), so it cannot be verified; not stored.';
}
