// Deviation C4 (docs/stand-in.md): parts of express-pouchdb leave promises unobserved, and since Node 15 one
// rejection ends the process. While an embedded server runs, rejections are logged instead.
const loggers = new Set<(line: string) => void>();

function onRejection(reason: unknown): void {
  const text = reason instanceof Error ? (reason.stack ?? reason.message) : JSON.stringify(reason);
  for (const log of loggers) log(`[error] unhandled rejection: ${text}`);
}

/** Starts logging unhandled rejections to `log`; the returned function stops it. */
export function watchRejections(log: (line: string) => void): () => void {
  if (loggers.size === 0) process.on('unhandledRejection', onRejection);
  const entry = (line: string) => log(line);
  loggers.add(entry);
  return () => {
    loggers.delete(entry);
    if (loggers.size === 0) process.off('unhandledRejection', onRejection);
  };
}
