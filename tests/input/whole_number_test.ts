import { deepEqual, throws } from "node:assert/strict";
import { InputError } from "../../input/input_error.ts";
import { parsePort, wholeNumber, wholeNumberOrNull } from "../../input/whole_number.ts";

Deno.test("a whole number is digits only, within its bounds", () => {
  deepEqual(wholeNumberOrNull("0", 0, 10), 0);
  deepEqual(wholeNumberOrNull("10", 0, 10), 10);
  deepEqual(wholeNumberOrNull("007", 0, 10), 7);
  for (const text of ["", " 1", "1 ", "+1", "-1", "1e3", "1.0", "0x10", "١", "11"]) {
    deepEqual(wholeNumberOrNull(text, 0, 10), null, JSON.stringify(text));
  }
});

Deno.test("a number beyond what JavaScript holds exactly is refused, not rounded", () => {
  deepEqual(wholeNumberOrNull("9007199254740993", 0, Number.MAX_SAFE_INTEGER), null);
  deepEqual(wholeNumberOrNull("99999999999999999999", 0, Number.MAX_SAFE_INTEGER), null);
});

Deno.test("a bad whole number is an input error that quotes it and names the bounds", () => {
  throws(() => wholeNumber("the limit", "12x", 1, 1000), (error: Error) => {
    deepEqual(error instanceof InputError, true);
    deepEqual(error.message, 'the limit "12x" is not a whole number from 1 to 1000');
    return true;
  });
});

Deno.test("port 0 (any free port) is accepted only where asked for", () => {
  deepEqual(parsePort("--port", "0", true), 0);
  throws(() => parsePort("--port", "0"), InputError);
  deepEqual(parsePort("--port", "65535"), 65535);
  throws(() => parsePort("--port", "65536", true), /from 0 to 65535/);
});
