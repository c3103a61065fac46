// Placeholder until search lands (being written now).
export default function (): void {
  start({ code: 200, headers: { 'Content-Type': 'application/json' } });
  send('{"objects":[],"total":0}');
}
