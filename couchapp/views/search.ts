// Placeholder until the search index lands (being written now): emits nothing.
export function map(_doc: unknown): void {}
