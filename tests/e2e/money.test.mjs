// static/money.js without a browser: the exponent table agrees with the domain crate's, and
// major/minor conversions are exact.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import vm from "node:vm";
import { REPO } from "./harness.mjs";

function loadMoney() {
  const sandbox = { Intl, BigInt, Object, String, Number, Error };
  sandbox.globalThis = sandbox;
  vm.createContext(sandbox);
  vm.runInContext(readFileSync(join(REPO, "static/money.js"), "utf8"), sandbox, { filename: "money.js" });
  return sandbox.AntomMoney;
}

const Money = loadMoney();

test("the exponent table is antom-client's (the one table)", () => {
  const source = readFileSync(join(REPO, "crates/antom-client/src/currency.rs"), "utf8");
  const table = source.slice(source.indexOf("const TABLE"), source.indexOf("];", source.indexOf("const TABLE")));
  const rust = Object.fromEntries(Array.from(table.matchAll(/\("([A-Z]{3})", (\d)\)/g), (m) => [m[1], Number(m[2])]));
  assert.ok(Object.keys(rust).length >= 20, "parsed the Rust table");
  assert.deepEqual({ ...Money.EXPONENTS }, rust);
});

test("operators type major units; the API gets minor units", () => {
  assert.deepEqual({ ...Money.parseMajor("10.00", "SGD") }, { value: "1000" });
  assert.deepEqual({ ...Money.parseMajor("10", "SGD") }, { value: "1000" });
  assert.deepEqual({ ...Money.parseMajor("10.5", "SGD") }, { value: "1050" });
  assert.deepEqual({ ...Money.parseMajor("0.07", "USD") }, { value: "7" });
  assert.deepEqual({ ...Money.parseMajor("1,234.56", "EUR") }, { value: "123456" });
  assert.deepEqual({ ...Money.parseMajor("500", "JPY") }, { value: "500" });
  assert.deepEqual({ ...Money.parseMajor(" 15000 ", "KRW") }, { value: "15000" });
  // 0.1 + 0.2 style float errors cannot happen: 19.99 is exactly 1999.
  assert.deepEqual({ ...Money.parseMajor("19.99", "SGD") }, { value: "1999" });
  assert.deepEqual({ ...Money.parseMajor("1.15", "SGD") }, { value: "115" });
});

test("amounts an operator cannot mean are refused with a reason", () => {
  for (const [typed, currency] of [["500.5", "JPY"], ["10.001", "SGD"], ["", "SGD"], ["0", "SGD"], ["0.00", "SGD"], ["-5", "SGD"], ["1e3", "SGD"], ["ten", "SGD"]]) {
    const parsed = Money.parseMajor(typed, currency);
    assert.ok(parsed.error, `${JSON.stringify(typed)} ${currency} should be refused`);
    assert.equal(parsed.value, undefined);
  }
});

test("minor units are shown in major units without floating point", () => {
  assert.equal(Money.toMajorString({ currency: "SGD", value: "4200" }), "42.00");
  assert.equal(Money.toMajorString({ currency: "SGD", value: "5" }), "0.05");
  assert.equal(Money.toMajorString({ currency: "JPY", value: "1800" }), "1800");
  assert.equal(Money.toMajorString({ currency: "SGD", value: "9007199254740993" }), "90071992547409.93");
  assert.equal(Money.format({ currency: "JPY", value: "1800" }, "en-US"), "¥1,800");
  assert.equal(Money.format({ currency: "SGD", value: "4600" }, "en-US").replace(/\s/g, " "), "SGD 46.00");
  assert.equal(Money.add("2100", Money.times("1250", 2)), "4600");
});
