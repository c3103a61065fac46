// validate_doc_update of the registry's `_users` design doc. CouchDB runs the validation of every
// design doc of a database on each write, so this runs after its own `_design/_auth` one, on every
// path into `_users`: the sign-up route, direct PUT and DELETE, `_bulk_docs`, COPY, replication.
// Throwing {forbidden} gives 403 with the sentence in `reason`.
import type { UserCtx } from '../../../src/shared/couch';
import { userWriteProblem, type UserDoc, type UsersSettings } from '../../../src/shared/user';

interface UsersDesignDoc {
  _id: string;
  registry?: UsersSettings;
}

export default function (this: UsersDesignDoc, newDoc: UserDoc, oldDoc: UserDoc | null, userCtx: UserCtx, secObj: unknown): void {
  const problem = userWriteProblem(newDoc, oldDoc, userCtx, secObj as never, this && this.registry);
  if (problem) throw { forbidden: problem };
}
