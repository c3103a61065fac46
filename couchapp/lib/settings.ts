// Deployment settings that setup writes into the design document (`this` in every function).
import { upstreamSettings, type UpstreamSettings } from '../../src/shared/upstream';

export interface RegistrySettings {
  /** This registry's id, stamped as `origin` on the packages published here (src/shared/origin.ts). */
  id: string;
  /** The registry URL users reach, if fixed at setup (--public-url); else taken from each request. */
  publicUrl?: string;
  /** Largest publish body accepted, in bytes. */
  maxBodyBytes: number;
  /** Whether foreign packages may point at loopback and private addresses (setup --allow-private-foreign-urls). */
  allowPrivateForeignUrls: boolean;
  /** The pull-through (setup --upstream): names this registry lacks are fetched from there. */
  upstream?: UpstreamSettings;
}

export interface DesignDoc {
  _id: string;
  registry?: Partial<RegistrySettings>;
  [key: string]: unknown;
}

// The tarball travels base64-encoded inside the JSON body and is hashed in the query server at
// about 1.2 MB/s, so 20 MB of body (a 15 MB tarball) takes ~15 s there; setup allows 60 s.
export const DEFAULT_SETTINGS: RegistrySettings = {
  id: '',
  maxBodyBytes: 20 * 1024 * 1024,
  allowPrivateForeignUrls: false,
};

export function settings(ddoc: DesignDoc | undefined): RegistrySettings {
  const given = (ddoc && ddoc.registry) || {};
  return {
    id: typeof given.id === 'string' ? given.id : '',
    publicUrl: typeof given.publicUrl === 'string' && given.publicUrl !== '' ? given.publicUrl : undefined,
    maxBodyBytes: typeof given.maxBodyBytes === 'number' ? given.maxBodyBytes : DEFAULT_SETTINGS.maxBodyBytes,
    allowPrivateForeignUrls: given.allowPrivateForeignUrls === true,
    upstream: upstreamSettings(given.upstream),
  };
}
