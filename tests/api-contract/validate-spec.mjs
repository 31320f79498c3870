// Validates an OpenAPI document (default: docs/openapi.json) against the OpenAPI 3.1 schema
// with @seriousme/openapi-schema-validator. Exit 1 with the errors when it is not valid.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2] || new URL("../../docs/openapi.json", import.meta.url).pathname;
const spec = JSON.parse(readFileSync(file, "utf8"));
const validator = new Validator();
const result = await validator.validate(spec);
if (validator.version !== "3.1") {
  console.error(`FAIL: ${file} is OpenAPI ${validator.version}, expected 3.1`);
  process.exit(1);
}
if (!result.valid) {
  console.error(`FAIL: ${file} is not a valid OpenAPI 3.1 document:`);
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
console.log(`${file}: valid OpenAPI ${validator.version} (${Object.keys(spec.paths).length} paths)`);
