// The suite's self-test: a copy of the document with one field renamed (SdkConfig.scriptUrl,
// which checkout.js reads), so the type check can be shown to fail on a contract break.
import { readFileSync, writeFileSync } from "node:fs";

const [from, to] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(from, "utf8"));
const sdk = spec.components.schemas.SdkConfig;
sdk.properties.scriptURL = sdk.properties.scriptUrl;
delete sdk.properties.scriptUrl;
sdk.required = sdk.required.map((name) => (name === "scriptUrl" ? "scriptURL" : name));
writeFileSync(to, JSON.stringify(spec, null, 2));
