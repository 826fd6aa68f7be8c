// The primitive → ONNX table, typed over every primitive name: a primitive added to jaxts
// without an entry here (a lowering, or an explicit "unsupported" with the reason) does not
// compile.
import type { PrimitiveName } from "@jaxts/core";
import { controlRules } from "./control.js";
import type { RuleTable } from "./rule-types.js";
import { elementwiseRules } from "./rules/elementwise.js";
import { randomRules } from "./rules/random.js";
import { structuralRules } from "./rules/structural.js";

export const onnxRules: RuleTable<PrimitiveName> = {
  ...elementwiseRules,
  ...structuralRules,
  ...randomRules,
  ...controlRules,
  // complex numbers: ONNX tensors have no complex element type that runtimes compute with
  real: { unsupported: "complex numbers have no ONNX form here" },
  imag: { unsupported: "complex numbers have no ONNX form here" },
  conj: { unsupported: "complex numbers have no ONNX form here" },
  complex: { unsupported: "complex numbers have no ONNX form here" },
  fft: { unsupported: "the FFT produces complex values, which have no ONNX form here (ONNX's DFT is not lowered)" },
  bitcast_convert_type: { unsupported: "ONNX (opsets 18–21) has no operator that reinterprets bits (np.signbit, copysign, nextafter and x.view use it)" },
};
