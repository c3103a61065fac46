// GET /-/v1/search/-/terms?keys=[[term,match],…]&text=…&size=…&from=…: the terms route of a search
// of several words, where the count route redirects. Rows: the `search` view reduced with
// group=true at exactly those keys: how many packages each word matches, per match kind.
// Response: 302 to <registry>/-/v1/search/<rarest word>/page?text=…&size=…&from=…, which reads
// that word's rows and keeps the packages that have every word; 200 {"objects":[],"total":0,…}
// when a word matches nothing.
import type { CouchRequest } from '../../src/shared/couch';
import { answerCounted } from '../lib/search';
import type { DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, _head: unknown, req: CouchRequest): string {
  return answerCounted(this, req, 'terms');
}
