// validate_doc_update of the registry database: the backstop every write passes through.
// Throwing {forbidden} gives 403 and {unauthorized} 401, with the sentence in `reason`.
import type { UserCtx } from '../../src/shared/couch';
import type { PackageDoc } from '../../src/shared/packument';
import { checkWrite, largestTarball } from '../../src/shared/rules';
import { settings, type DesignDoc } from '../lib/settings';
import { foreignAddressVerdict } from '../../src/shared/foreign';
import { MAX_NESTING, nestingProblem, nestsDeeperThan } from '../../src/shared/equal';
import { buildTwinVerdict } from '../../src/shared/publish';

export default function (this: DesignDoc, newDoc: PackageDoc, oldDoc: PackageDoc | null, userCtx: UserCtx): void {
  // First, before any rule walks the document (CouchDB stored a 10,000-deep one it was given).
  if (nestsDeeperThan(newDoc, MAX_NESTING)) throw { forbidden: nestingProblem('The document ' + newDoc._id) };
  const twin = userCtx.name ? buildTwinVerdict(newDoc, oldDoc, (userCtx.roles || []).indexOf('_admin') >= 0) : null;
  if (twin) throw twin;
  const s = settings(this);
  const verdict = checkWrite(newDoc, oldDoc, userCtx, s.id, largestTarball(s.maxBodyBytes));
  if (verdict) throw verdict;
  const address = foreignAddressVerdict(newDoc, (userCtx.roles || []).indexOf('_admin') >= 0, settings(this).allowPrivateForeignUrls);
  if (address) throw address;
}
