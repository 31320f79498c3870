// The simulator's stand-in Web SDK against Antom's real one: the pinned npm package
// @alipay/ams-checkout (package.json), read through its TypeScript typings with the TypeScript
// compiler. The pages' own flows run in Chromium against the stand-in with every call to
// AMSElement, AMSCashierPayment and AMSVaulting recorded (constructor options, methods,
// arguments, what they return); each recorded use must exist in the typings with the same
// shape: the class and method, the number of arguments, each argument's kind, every option
// key (nested ones too), whether a Promise comes back, and the stand-in's arity.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import ts from "typescript";
import { REPO, inBrowser, startServer } from "./harness.mjs";

const PACKAGE = join(REPO, "tests/e2e/node_modules/@alipay/ams-checkout");
const CLASSES = ["AMSElement", "AMSCashierPayment", "AMSVaulting"];

// ---------- the typings ----------

const entry = join(PACKAGE, "esm/index.d.ts");
const program = ts.createProgram([entry], {
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2020,
  moduleResolution: ts.ModuleResolutionKind.Node10,
});
const checker = program.getTypeChecker();

function exportedSymbols() {
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry));
  const symbols = new Map();
  for (let symbol of checker.getExportsOfModule(moduleSymbol)) {
    const name = symbol.name;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    symbols.set(name, symbol);
  }
  return symbols;
}

function isHidden(symbol) {
  const declaration = symbol.valueDeclaration || (symbol.declarations || [])[0];
  if (!declaration) return false;
  return (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0;
}

/** {constructor: signatures, methods: Map(name -> signatures), statics: Map(name -> signatures)} */
function surface(symbol) {
  const declaration = symbol.valueDeclaration || symbol.declarations[0];
  const classType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
  const instanceType = checker.getDeclaredTypeOfSymbol(symbol);
  const callables = (type) => {
    const found = new Map();
    for (const property of checker.getPropertiesOfType(type)) {
      if (isHidden(property) || property.name === "prototype") continue;
      const propertyType = checker.getTypeOfSymbolAtLocation(property, property.valueDeclaration || property.declarations[0]);
      const signatures = propertyType.getCallSignatures();
      if (signatures.length) found.set(property.name, signatures);
    }
    return found;
  };
  return {
    constructor: classType.getConstructSignatures(),
    methods: callables(instanceType),
    statics: callables(classType),
  };
}

export const TYPINGS = (() => {
  const symbols = exportedSymbols();
  const classes = new Map();
  for (const name of CLASSES) {
    const symbol = symbols.get(name);
    if (symbol) classes.set(name, surface(symbol));
  }
  return classes;
})();

function parameters(signature) {
  return signature.getParameters().map((symbol) => {
    const declaration = symbol.valueDeclaration;
    return {
      name: symbol.name,
      optional: Boolean(declaration && checker.isOptionalParameter(declaration)),
      type: checker.getTypeOfSymbolAtLocation(symbol, declaration),
    };
  });
}

function returnsPromise(signature) {
  const type = checker.getReturnTypeOfSignature(signature);
  return Boolean(type.symbol && type.symbol.name === "Promise");
}

const FLAGS = ts.TypeFlags;

/** Problems with `shape` (what the page passed) as a value of `type` (the typings'), at `path`. */
function mismatches(shape, type, path) {
  if (type.flags & (FLAGS.Any | FLAGS.Unknown)) return [];
  if (type.isUnion()) {
    const members = type.types.filter((t) => !(t.flags & (FLAGS.Undefined | FLAGS.Null | FLAGS.Void)));
    if (members.length === 0) return [`${path}: the typings allow no value here`];
    const results = members.map((member) => mismatches(shape, member, path));
    const fitting = results.find((problems) => problems.length === 0);
    return fitting ? [] : results.sort((a, b) => a.length - b.length)[0];
  }
  const text = checker.typeToString(type);
  switch (shape.kind) {
    case "string":
      return type.flags & FLAGS.StringLike ? [] : [`${path}: a string, where the typings want ${text}`];
    case "number":
      return type.flags & FLAGS.NumberLike ? [] : [`${path}: a number, where the typings want ${text}`];
    case "boolean":
      return type.flags & FLAGS.BooleanLike ? [] : [`${path}: a boolean, where the typings want ${text}`];
    case "function":
      return type.getCallSignatures().length ? [] : [`${path}: a function, where the typings want ${text}`];
    case "object": {
      if (!(type.flags & FLAGS.Object)) return [`${path}: an object, where the typings want ${text}`];
      const problems = [];
      const indexed = checker.getIndexInfosOfType(type).length > 0;
      for (const [key, value] of Object.entries(shape.keys)) {
        const property = checker.getPropertyOfType(type, key);
        if (!property) {
          if (!indexed) problems.push(`${path}.${key}: not an option in the typings (${text})`);
          continue;
        }
        const propertyType = checker.getTypeOfSymbolAtLocation(property, property.valueDeclaration || property.declarations[0]);
        problems.push(...mismatches(value, propertyType, `${path}.${key}`));
      }
      return problems;
    }
    default:
      return [`${path}: a ${shape.kind}, not checked against ${text}`];
  }
}

/** Everything wrong with one recorded use of the stand-in, measured against the typings. */
export function checkUse(use) {
  const typings = TYPINGS.get(use.cls);
  if (!typings) return [`${use.cls}: not a class of @alipay/ams-checkout`];
  let signatures;
  if (use.member === "constructor") signatures = typings.constructor;
  else if (use.member.startsWith("static:")) signatures = typings.statics.get(use.member.slice(7));
  else signatures = typings.methods.get(use.member);
  const where = `${use.cls}.${use.member}`;
  if (!signatures || signatures.length === 0) return [`${where}: not in the typings`];
  const attempts = signatures.map((signature) => {
    const params = parameters(signature);
    const problems = [];
    if (use.args.length > params.length) problems.push(`${where}: called with ${use.args.length} arguments, the typings take ${params.length}`);
    const required = params.filter((p) => !p.optional).length;
    if (use.args.length < required) problems.push(`${where}: called with ${use.args.length} arguments, the typings require ${required}`);
    use.args.forEach((arg, i) => {
      if (params[i] && arg.kind !== "undefined") problems.push(...mismatches(arg, params[i].type, `${where}(${params[i].name})`));
    });
    if (use.member !== "constructor" && use.returns !== undefined) {
      const promise = returnsPromise(signature);
      if (promise !== (use.returns === "promise")) {
        problems.push(`${where}: the stand-in returns ${use.returns}, the typings ${promise ? "a Promise" : "no Promise"}`);
      }
    }
    if (use.length !== undefined && use.length !== params.length) {
      problems.push(`${where}: the stand-in declares ${use.length} parameters, the typings ${params.length}`);
    }
    return problems;
  });
  return attempts.find((problems) => problems.length === 0) || attempts[0];
}

// ---------- recording the pages' use of the stand-in ----------

/** Runs in the page before any script: wraps each SDK class the moment the SDK defines it. */
function recorder(classes) {
  const usage = [];
  window.__sdkUsage = usage;
  const describe = (value, depth = 0) => {
    if (value === null) return { kind: "null" };
    if (Array.isArray(value)) return { kind: "array" };
    if (typeof value === "object") {
      const keys = {};
      if (depth < 6) for (const key of Object.keys(value)) keys[key] = describe(value[key], depth + 1);
      return { kind: "object", keys };
    }
    return { kind: typeof value };
  };
  const returned = (value) => (value && typeof value.then === "function" ? "promise" : typeof value);
  const wrapInstance = (cls, instance) =>
    new Proxy(instance, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function" || typeof property !== "string" || property.startsWith("_") || property === "constructor") {
          return value;
        }
        return function (...args) {
          const result = value.apply(target, args);
          usage.push({ cls, member: property, args: args.map((a) => describe(a)), returns: returned(result), length: value.length });
          return result;
        };
      },
    });
  for (const name of classes) {
    let actual;
    Object.defineProperty(window, name, {
      configurable: true,
      get() {
        return actual;
      },
      set(cls) {
        actual = new Proxy(cls, {
          construct(target, args) {
            usage.push({ cls: name, member: "constructor", args: args.map((a) => describe(a)), length: target.length });
            return wrapInstance(name, Reflect.construct(target, args));
          },
          get(target, property) {
            const value = Reflect.get(target, property);
            if (typeof value === "function" && property === "preload") {
              return (...args) => {
                usage.push({ cls: name, member: `static:${property}`, args: args.map((a) => describe(a)), returns: returned(undefined), length: value.length });
                return value.apply(target, args);
              };
            }
            return value;
          },
        });
      },
    });
  }
}

let server;

before(async () => {
  server = await startServer("sdk-typings");
});

after(async () => {
  if (server) await server.stop();
});

async function fillCard(form, number) {
  await form.locator("[name=cardNumber]").fill(number);
  await form.locator("[name=expiry]").fill("12/34");
  await form.locator("[name=cvv]").fill("123");
}

/** The pages' flows, recorded: Element (declined, then paid), SDK (cancelled), vaulting. */
async function recordUsage() {
  const usage = [];
  const run = async (name, flow) =>
    inBrowser(name, {}, async (browser) => {
      await browser.context.addInitScript(recorder, CLASSES);
      await flow(browser.page);
      usage.push(...(await browser.page.evaluate(() => window.__sdkUsage || [])));
    });

  await run("typings-element", async (page) => {
    await page.goto(`${server.baseUrl}/?integration=element`);
    await page.locator('[data-testid=add-to-cart][data-sku="CAP-NVY"]').click();
    await page.locator("[data-testid=pay]").click();
    const form = page.frameLocator("[data-testid=payment-element] [data-testid=sim-frame]");
    await fillCard(form, "4000 0000 0000 0002");
    await page.locator("[data-testid=pay]").click();
    await page.locator("[data-testid=checkout-error]").waitFor({ state: "visible" });
    // Declined: the Element was destroyed; record what comes before the page leaves.
    const before = await page.evaluate(() => window.__sdkUsage.slice());
    await page.locator("[data-testid=pay]").click();
    await fillCard(form, "4111 1111 1111 1111");
    await page.locator("[data-testid=pay]").click();
    await page.waitForURL(/\/checkout\/result\?/);
    usage.push(...before);
  });

  await run("typings-sdk", async (page) => {
    await page.goto(`${server.baseUrl}/?integration=sdk`);
    await page.locator('[data-testid=add-to-cart][data-sku="CAP-NVY"]').click();
    await page.locator("[data-testid=pay]").click();
    const form = page.frameLocator("[data-testid=sim-component] [data-testid=sim-frame]");
    await form.locator("[data-testid=sim-cancel]").click();
    await page.locator("[data-testid=sim-frame]").waitFor({ state: "detached" });
  });

  await run("typings-vaulting", async (page) => {
    await page.goto(`${server.baseUrl}/account/cards`);
    await page.locator("[data-testid=add-card]").click();
    const form = page.frameLocator("[data-testid=sim-frame]");
    await fillCard(form, "5555 5555 5555 4444");
    await form.locator("[data-testid=sim-submit]").click();
    await page.locator("[data-testid=saved-card-row]").first().waitFor();
  });
  return usage;
}

test("the typings of the pinned package name the classes the pages use", () => {
  for (const name of CLASSES) assert.ok(TYPINGS.has(name), `${name} is exported by @alipay/ams-checkout`);
  const element = TYPINGS.get("AMSElement");
  for (const method of ["mount", "submitPayment", "validateFields", "updatePayment", "destroy"]) {
    assert.ok(element.methods.has(method), `AMSElement.${method}`);
  }
  assert.ok(TYPINGS.get("AMSCashierPayment").statics.has("preload"));
});

test("the checker refuses uses that the typings do not allow", () => {
  const object = (keys) => ({ kind: "object", keys });
  const string = { kind: "string" };
  const problems = [
    checkUse({ cls: "AMSElement", member: "mount", args: [string, object({ type: string })], returns: "promise", length: 2 }),
    checkUse({ cls: "AMSElement", member: "mount", args: [object({ type: string, colour: string }), string], returns: "promise", length: 2 }),
    checkUse({ cls: "AMSElement", member: "submit", args: [], returns: "promise", length: 0 }),
    checkUse({ cls: "AMSElement", member: "submitPayment", args: [], returns: "undefined", length: 0 }),
    checkUse({ cls: "AMSElement", member: "constructor", args: [object({ sessionData: { kind: "number" } })], length: 1 }),
    checkUse({ cls: "AMSElement", member: "destroy", args: [], returns: "undefined", length: 1 }),
    checkUse({ cls: "AMSCheckoutElement", member: "constructor", args: [], length: 0 }),
  ];
  for (const found of problems) assert.ok(found.length > 0, "a planted mismatch went unnoticed");
  assert.deepEqual(
    checkUse({
      cls: "AMSElement",
      member: "mount",
      args: [object({ type: string, appearance: object({ theme: string }), notRedirectAfterComplete: { kind: "boolean" } }), string],
      returns: "promise",
      length: 2,
    }),
    [],
  );
});

test("every use the pages make of the stand-in exists in the typings with the same shape", async () => {
  const usage = await recordUsage();
  const used = new Set(usage.map((u) => `${u.cls}.${u.member}`));
  // The flows must have exercised what the pages rely on (otherwise this proves nothing).
  for (const expected of [
    "AMSElement.constructor",
    "AMSElement.mount",
    "AMSElement.submitPayment",
    "AMSElement.destroy",
    "AMSCashierPayment.constructor",
    "AMSCashierPayment.createComponent",
    "AMSCashierPayment.unmount",
    "AMSVaulting.constructor",
  ]) {
    assert.ok(used.has(expected), `${expected} was not used by the flows: ${[...used].join(", ")}`);
  }
  const problems = [];
  const seen = new Set();
  for (const use of usage) {
    const key = JSON.stringify(use);
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(...checkUse(use));
  }
  assert.deepEqual([...new Set(problems)], [], "the stand-in or the pages differ from @alipay/ams-checkout");
});
