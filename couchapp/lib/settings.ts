// Deployment settings that setup writes into the design document (`this` in every function).

export interface RegistrySettings {
  /** The registry URL users reach, if fixed at setup (--public-url); else taken from each request. */
  publicUrl?: string;
  /** Largest publish body accepted, in bytes. */
  maxBodyBytes: number;
}

export interface DesignDoc {
  _id: string;
  registry?: Partial<RegistrySettings>;
  [key: string]: unknown;
}

export const DEFAULT_SETTINGS: RegistrySettings = {
  maxBodyBytes: 50 * 1024 * 1024,
};

export function settings(ddoc: DesignDoc | undefined): RegistrySettings {
  const given = (ddoc && ddoc.registry) || {};
  return {
    publicUrl: typeof given.publicUrl === 'string' && given.publicUrl !== '' ? given.publicUrl : undefined,
    maxBodyBytes: typeof given.maxBodyBytes === 'number' ? given.maxBodyBytes : DEFAULT_SETTINGS.maxBodyBytes,
  };
}
