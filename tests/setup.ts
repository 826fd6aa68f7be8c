// Every test run type-checks each jaxpr the compiler is given and each it optimizes (a pass
// that breaks typing fails the test that ran it, not a user's program later), and a program
// that fails to lower throws instead of running equation by equation.
import { config, setPoisonUnwritten } from "@jaxts/core";
import fc from "fast-check";
import { dotGeneralWasmStats } from "../packages/core/src/backend/wasm-backend/dot-general.js";
import { thresholds } from "../packages/core/src/backend/wasm-backend/kernel-module.js";
import { layoutThreshold } from "../packages/core/src/backend/wasm-backend/layout.js";
import { minSize } from "../packages/core/src/backend/wasm-backend/scalar.js";

config.set({ enableChecks: true });
// Buffers handed out to be overwritten start as 0xFF bytes, so a kernel that leaves an
// element unwritten fails the test that ran it (in production they are uninitialised).
setPoisonUnwritten(true);
// A property's explicit upper bound is the range it means to cover: fast-check 4 otherwise
// caps every array it generates at 10 elements ("small" size) whatever maxLength says, so
// `fc.array(x, { maxLength: 300 })` would never try 11. (Bounds left unspecified stay small.)
fc.configureGlobal({ ...fc.readConfigureGlobal(), defaultSizeToMaxWhenMaxSpecified: true });
// JAXTS_TEST_EVERY_SIZE=1 (CI's `test:every-size` step): the wasm kernels' size thresholds
// are 0, so every array, however small, runs on the wasm kernels instead of the js ones the
// thresholds pick below them: the property and fuzz suites then check the wasm kernels at the
// small sizes they generate.
if (process.env.JAXTS_TEST_EVERY_SIZE === "1") {
  Object.assign(thresholds, { arithmetic: 0, transcendental: 0, reduction: 0 });
  for (const k of Object.keys(minSize) as (keyof typeof minSize)[]) minSize[k] = 0;
  layoutThreshold.elements = 0;
  dotGeneralWasmStats.minMacs = 0;
}
