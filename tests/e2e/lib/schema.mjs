// The wire schema, compiled by an independent validator (ajv).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { ROOT } from "./collector.mjs";

const schema = JSON.parse(readFileSync(join(ROOT, "schema/batch.schema.json"), "utf8"));
export const validateBatch = new Ajv({ allErrors: true, strict: true, strictTuples: false }).compile(schema);
