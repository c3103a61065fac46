// GET /-/ping — `npm ping`. Any 2xx passes. Response: 200 {}
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { jsonResponse } from '../../src/shared/errors';

export default function (_doc: unknown, _req: CouchRequest): CouchResponse {
  return jsonResponse(200, {}, { 'Cache-Control': 'no-store' });
}
