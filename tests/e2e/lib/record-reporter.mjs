// A node:test reporter that writes one JSON line per test (not per suite): its file, name,
// outcome and skip message, for run.mjs to check against the skip list.
export default async function* record(source) {
  for await (const { type, data } of source) {
    if ((type !== "test:pass" && type !== "test:fail") || data.details?.type === "suite") continue;
    yield `${JSON.stringify({ file: data.file, name: data.name, passed: type === "test:pass", skip: data.skip ?? false, todo: data.todo ?? false })}\n`;
  }
}
