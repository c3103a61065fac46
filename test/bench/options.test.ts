// `npm run bench` options: --only picks workloads and refuses names it does not know.
import { describe, it, expect } from 'vitest';
import { parseOptions } from '../../src/bench/main';

describe('npm run bench options', () => {
  it('--only keeps the named workloads, in the order given', () => {
    expect(parseOptions(['--only', 'pull-through,install'])?.only).toEqual(['pull-through', 'install']);
    expect(parseOptions([])?.only).toBeUndefined();
  });

  it('--only refuses an unknown workload with a sentence naming the known ones', () => {
    expect(() => parseOptions(['--only', 'reads,pullthrough'])).toThrow(/--only takes workloads among reads, publish, install, growth, pull-through, not pullthrough\./);
  });
});
