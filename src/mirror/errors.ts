// The two ways the upstream can let a mirror down, as real classes: the caller decides what each
// means (an outage stops the run or pauses the follower; bad data skips one package).

/** The upstream could not be reached, or kept answering 5xx/429, after every retry. */
export class UpstreamUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpstreamUnavailable';
  }
}

/** The upstream answered, but with something that must not be stored (404, bad JSON, a tarball that fails its checksum). */
export class UpstreamBadData extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'UpstreamBadData';
  }
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
