// Every test run type-checks each jaxpr the compiler optimizes (a pass that breaks typing
// fails the test that ran it, not a user's program later).
import { setCheckPasses } from "@jaxts/core";

setCheckPasses(true);
