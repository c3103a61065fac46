// validate_doc_update of the registry database: the backstop every write passes through, whatever
// path it took. The rules are src/shared/rules.ts, which the update handlers run too. CouchDB
// answers the thrown {forbidden} with 403 and {unauthorized} with 401, always as
// {"error":"forbidden"|"unauthorized","reason":<the sentence>} (see rules.ts for why).
import type { UserCtx } from '../../src/shared/couch';
import type { PackageDoc } from '../../src/shared/packument';
import { checkWrite, largestTarball } from '../../src/shared/rules';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, newDoc: PackageDoc, oldDoc: PackageDoc | null, userCtx: UserCtx): void {
  const s = settings(this);
  const verdict = checkWrite(newDoc, oldDoc, userCtx, s.id, largestTarball(s.maxBodyBytes), s.allowPrivateForeignUrls);
  if (verdict) throw verdict;
}
