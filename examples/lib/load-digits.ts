// Reads the digits data from data/digits.csv.gz in Node (the browser example fetches it).
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { type DigitsSplit, parseDigits, splitDigits } from "./digits.js";

export const digitsPath = new URL("../../data/digits.csv.gz", import.meta.url);

export function loadDigits(): DigitsSplit {
  return splitDigits(parseDigits(gunzipSync(readFileSync(digitsPath)).toString("utf8")));
}
