// Every test run type-checks each jaxpr the compiler optimizes (a pass that breaks typing
// fails the test that ran it, not a user's program later).
import { setCheckPasses, setPoisonUnwritten } from "@jaxts/core";

setCheckPasses(true);
// Buffers handed out to be overwritten start as 0xFF bytes, so a kernel that leaves an
// element unwritten fails the test that ran it (in production they are uninitialised).
setPoisonUnwritten(true);
