// The wire schema, compiled by an independent validator (ajv).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import { ROOT } from "./collector.mjs";

const schema = JSON.parse(readFileSync(join(ROOT, "schema/batch.schema.json"), "utf8"));
export const validateBatch = new Ajv({ allErrors: true, strict: true, strictTuples: false }).compile(schema);

const statsSchema = JSON.parse(readFileSync(join(ROOT, "schema/stats.schema.json"), "utf8"));
/** `/v1/stats` as schema/stats.schema.json describes it (draft 2020-12). */
export const validateStats = new Ajv2020({ allErrors: true, strict: true }).compile(statsSchema);

/** The batch a captured body carries: gzip (recognised by its magic bytes) or plain JSON. */
export function batchOf(body) {
  const text = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body).toString("utf8") : body.toString("utf8");
  return JSON.parse(text);
}
