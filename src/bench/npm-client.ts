// The real npm client for the publish and install workloads, through NpmUser (its own npmrc and
// cache, nothing from `npm run`'s environment). A logged-in user gets the token in its
// npmrc exactly where `npm adduser` writes it, which skips the terminal prompts.
import { rmSync, writeFileSync } from 'node:fs';
import { NpmUser } from '../npm/client';
import type { BenchContext } from './context';

export function npmUser(ctx: BenchContext, loggedIn: boolean): NpmUser {
  const user = new NpmUser(ctx.registry.url, loggedIn ? 'bench-user' : 'bench-anonymous');
  if (loggedIn) {
    // npm keys credentials by the registry URL without its scheme ("nerf dart").
    const u = new URL(ctx.registry.url);
    writeFileSync(user.userconfig, '//' + u.host + u.pathname + ':_authToken=' + ctx.user.token + '\n');
  }
  ctx.atExit(() => rmSync(user.home, { recursive: true, force: true }));
  return user;
}

/** The last lines npm printed, for an error message. */
export function tail(output: string, lines = 8): string {
  return output.trim().split('\n').slice(-lines).join('\n');
}
