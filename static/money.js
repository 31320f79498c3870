// Money for the browser pages: amounts are {currency, value} with value a string of an integer
// count of minor units (contract §2). Nothing here goes through floating point: minor units are
// turned into a decimal string ("4200" SGD -> "42.00") and Intl formats that string exactly.
"use strict";
(function (global) {
  // ISO 4217 exponents, the same table as crates/antom-client/src/currency.rs (tests/e2e/money.test.mjs
  // checks that they agree). Intl's own digits are the fallback for a code missing here.
  const EXPONENTS = {
    AUD: 2, BDT: 2, BRL: 2, CAD: 2, CNY: 2, EUR: 2, GBP: 2,
    HKD: 2, IDR: 2, MXN: 2, MYR: 2, NZD: 2, PEN: 2, PHP: 2,
    PKR: 2, PLN: 2, SGD: 2, THB: 2, TWD: 2, USD: 2,
    CLP: 0, JPY: 0, KRW: 0, VND: 0,
  };

  function exponent(currency) {
    if (Object.prototype.hasOwnProperty.call(EXPONENTS, currency)) return EXPONENTS[currency];
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  }

  /** "4200" SGD -> "42.00"; "1800" JPY -> "1800". */
  function toMajorString(amount) {
    const digits = exponent(amount.currency);
    const value = String(amount.value);
    if (!/^\d+$/.test(value)) throw new Error(`not an amount in minor units: ${value}`);
    if (digits === 0) return value.replace(/^0+(?=\d)/, "");
    const padded = value.padStart(digits + 1, "0");
    const whole = padded.slice(0, padded.length - digits).replace(/^0+(?=\d)/, "");
    return `${whole}.${padded.slice(padded.length - digits)}`;
  }

  /** A price as people read it in their locale: "S$42.00", "¥1,800". */
  function format(amount, locale) {
    const digits = exponent(amount.currency);
    const formatter = new Intl.NumberFormat(locale || undefined, {
      style: "currency",
      currency: amount.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    // Intl.NumberFormat formats decimal strings exactly (no conversion to a double).
    return formatter.format(toMajorString(amount));
  }

  /**
   * What an operator typed, in major units, to minor units: "10.00" SGD -> "1000", "10" SGD ->
   * "1000", "500" JPY -> "500". Returns {value} or {error} (a sentence for the operator).
   */
  function parseMajor(text, currency) {
    const digits = exponent(currency);
    const typed = String(text || "").trim().replace(/[\s,_]/g, "");
    if (!typed) return { error: "Enter an amount." };
    const match = /^(\d+)(?:\.(\d*))?$/.exec(typed);
    if (!match) return { error: `Enter the amount as a number, e.g. ${digits ? "10." + "0".repeat(digits) : "500"}.` };
    const fraction = match[2] || "";
    if (fraction.length > digits) {
      return {
        error: digits === 0
          ? `${currency} has no decimals: enter a whole number.`
          : `${currency} has at most ${digits} decimals.`,
      };
    }
    const minor = (match[1] + fraction.padEnd(digits, "0")).replace(/^0+(?=\d)/, "");
    if (/^0+$/.test(minor)) return { error: "The amount must be more than zero." };
    if (minor.length > 15) return { error: "That amount is too large." };
    return { value: minor };
  }

  /** Sum of minor-unit strings (same currency), exactly. */
  function add(a, b) {
    return (BigInt(a) + BigInt(b)).toString();
  }

  /** Minor-unit string times a whole quantity, exactly. */
  function times(value, quantity) {
    return (BigInt(value) * BigInt(quantity)).toString();
  }

  /** -1, 0, 1 comparing two minor-unit strings. */
  function compare(a, b) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  global.AntomMoney = { EXPONENTS, exponent, toMajorString, format, parseMajor, add, times, compare };
})(globalThis);
