// The one server admin's password: random, generated at first start. With a dataDir it is kept
// in <dataDir>/admin.json (0600) so restarts reuse it; in memory mode one per process.
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

let processPassword: string | undefined;

// base64url: safe to put in the userinfo part of adminUrl without escaping
const generate = () => randomBytes(24).toString('base64url');

export async function adminPassword(dataDir: string | undefined): Promise<string> {
  if (!dataDir) return (processPassword ??= generate());
  const file = join(dataDir, 'admin.json');
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { password?: unknown };
    if (typeof saved.password === 'string' && saved.password !== '') {
      await chmod(file, 0o600);
      return saved.password;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = generate();
  await writeFile(file, JSON.stringify({ name: 'admin', password }, null, 2) + '\n', { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}
