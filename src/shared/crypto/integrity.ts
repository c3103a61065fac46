// The two digests npm puts in a version's dist: integrity ("sha512-<base64>", the Subresource
// Integrity form) and shasum (hex SHA-1), recomputed from the uploaded tarball at publish.

import { base64Encode } from './base64';
import { hex } from './hex';
import { sha1 } from './sha1';
import { sha512 } from './sha512';

export interface Integrity {
  /** "sha512-" followed by the standard base64 of the SHA-512 digest. */
  sha512: string;
  /** Lower-case hex SHA-1, npm's dist.shasum. */
  sha1hex: string;
}

/** Both dist digests of a tarball's bytes. */
export function integrity(bytes: number[]): Integrity {
  return { sha512: 'sha512-' + base64Encode(sha512(bytes)), sha1hex: hex(sha1(bytes)) };
}
