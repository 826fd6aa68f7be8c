// Every test run type-checks each jaxpr the compiler is given and each it optimizes (a pass
// that breaks typing fails the test that ran it, not a user's program later), and a program
// that fails to lower throws instead of running equation by equation.
import { config, setPoisonUnwritten } from "@jaxts/core";
import fc from "fast-check";

config.set({ enableChecks: true });
// Buffers handed out to be overwritten start as 0xFF bytes, so a kernel that leaves an
// element unwritten fails the test that ran it (in production they are uninitialised).
setPoisonUnwritten(true);
// A property's explicit upper bound is the range it means to cover: fast-check 4 otherwise
// caps every array it generates at 10 elements ("small" size) whatever maxLength says, so
// `fc.array(x, { maxLength: 300 })` would never try 11. (Bounds left unspecified stay small.)
fc.configureGlobal({ ...fc.readConfigureGlobal(), defaultSizeToMaxWhenMaxSpecified: true });
