// Convergence of every optimizer on Optax's test objectives in float64 (table in convergence.ts).
import { describeConvergence } from "./convergence.js";

describeConvergence("float64");
