// POST /-/npm/v1/security/advisories/bulk — `npm audit` and the audit step of `npm install`.
// Request: gzip JSON {"name":["1.0.0"]}. Response: 200 {} (this registry holds no advisories yet).
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { jsonResponse } from '../../src/shared/errors';

export default function (_doc: unknown, _req: CouchRequest): [null, CouchResponse] {
  return [null, jsonResponse(200, {}, { 'Cache-Control': 'no-store' })];
}
