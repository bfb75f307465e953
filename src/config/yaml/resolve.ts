// The YAML 1.2 core schema for plain scalars, as js-yaml's default `load` applies it: null, booleans, integers
// (decimal, 0x, 0o) and floats (incl. .inf and .nan); everything else is a string.

const INT = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?[0-9]+)$/;
const FLOAT = /^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function integer(text: string): number {
  const sign = text.startsWith("-") ? -1 : 1;
  const digits = text.startsWith("-") || text.startsWith("+") ? text.slice(1) : text;
  if (digits.startsWith("0o")) return sign * parseInt(digits.slice(2), 8);
  if (digits.startsWith("0x")) return sign * parseInt(digits.slice(2), 16);
  return sign * parseInt(digits, 10);
}

function float(text: string): number | undefined {
  const lower = text.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.slice(1) : lower;
  if (unsigned === ".inf") return sign * Number.POSITIVE_INFINITY;
  if (unsigned === ".nan") return Number.NaN;
  const value = sign * parseFloat(unsigned);
  return Number.isFinite(value) ? value : undefined;
}

/** The value of a plain (unquoted) scalar under the core schema. */
export function resolvePlain(text: string): unknown {
  switch (text) {
    case "":
    case "~":
    case "null":
    case "Null":
    case "NULL":
      return null;
    case "true":
    case "True":
    case "TRUE":
      return true;
    case "false":
    case "False":
    case "FALSE":
      return false;
  }
  const first = text.charCodeAt(0);
  const numeric = (first >= 48 && first <= 57) || text[0] === "-" || text[0] === "+" || text[0] === ".";
  if (!numeric) return text;
  if (INT.test(text)) {
    const value = integer(text);
    if (Number.isFinite(value)) return value;
  }
  if (FLOAT.test(text)) return float(text) ?? text;
  return text;
}

/** Sets `key` on a parsed mapping; a repeated key is the caller's error. `__proto__` becomes an own property. */
export function setEntry(map: Record<string, unknown>, key: string, value: unknown): boolean {
  if (Object.prototype.hasOwnProperty.call(map, key)) return false;
  if (key === "__proto__") Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
  return true;
}
