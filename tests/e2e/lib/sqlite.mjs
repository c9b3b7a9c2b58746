// Reads the collector's SQLite file with Python's sqlite3: an independent reader, not our code.
import { execFileSync } from "node:child_process";

const READER = `
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.row_factory = sqlite3.Row
rows = [dict(row) for row in db.execute(sys.argv[2])]
print(json.dumps(rows))
`;

export function query(db, sql) {
  return JSON.parse(execFileSync("python3", ["-c", READER, db, sql], { encoding: "utf8" }));
}
