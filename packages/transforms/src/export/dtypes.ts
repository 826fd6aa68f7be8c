// jaxts dtypes as ONNX tensor element types, and constants as raw tensor bytes.
import { type DType, DTypeError } from "@jaxts/core";
import { OnnxDataType } from "./onnx/proto.js";

/** Keyed by name rather than typed over DType, so a dtype added to jaxts before it has an
 * ONNX mapping here is a clear error at export time, not a wrong element type. */
const elementTypes: Readonly<Record<string, OnnxDataType>> = {
  bool: OnnxDataType.BOOL,
  int8: OnnxDataType.INT8,
  int16: OnnxDataType.INT16,
  int32: OnnxDataType.INT32,
  uint8: OnnxDataType.UINT8,
  uint32: OnnxDataType.UINT32,
  float16: OnnxDataType.FLOAT16,
  bfloat16: OnnxDataType.BFLOAT16,
  float32: OnnxDataType.FLOAT,
  float64: OnnxDataType.DOUBLE,
};

/** The dtype a primitive on `d` is computed in: halves in float32 (as jaxts computes them,
 * rounding each result), narrow integers in int32 (wrapping back on the cast out, which is
 * arithmetic modulo 2^bits); ONNX Runtime implements few operators on those types. */
export function computeDType(d: DType): DType {
  switch (d) {
    case "float16":
    case "bfloat16":
      return "float32";
    case "int8":
    case "int16":
    case "uint8":
      return "int32";
    default:
      return d;
  }
}

export function onnxType(dtype: DType, where: string): OnnxDataType {
  const t = elementTypes[dtype];
  if (t === undefined) throw new DTypeError(`exportOnnx: ${where} has dtype ${dtype}, which has no ONNX element type mapping`);
  return t;
}

/** The little-endian bytes of `values` stored as ONNX element type `t`. */
export function tensorBytes(t: OnnxDataType, values: ArrayLike<number>, where: string): Uint8Array {
  const n = values.length;
  switch (t) {
    case OnnxDataType.FLOAT:
      return bytesOf(Float32Array.from(values));
    case OnnxDataType.DOUBLE:
      return bytesOf(Float64Array.from(values));
    case OnnxDataType.INT32:
      return bytesOf(Int32Array.from(values));
    case OnnxDataType.UINT32:
      return bytesOf(Uint32Array.from(values));
    case OnnxDataType.INT16:
      return bytesOf(Int16Array.from(values));
    case OnnxDataType.INT8:
      return bytesOf(Int8Array.from(values));
    case OnnxDataType.UINT8:
      return bytesOf(Uint8Array.from(values));
    case OnnxDataType.BOOL: {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = values[i] !== 0 ? 1 : 0;
      return out;
    }
    case OnnxDataType.INT64: {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(values[i]!);
      return bytesOf(out);
    }
    default:
      throw new DTypeError(`exportOnnx: ${where}: constants of ONNX element type ${t} are not supported yet`);
  }
}

const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A constant's elements read back from its bytes (int64 as numbers: the exporter's int64
 * constants are sizes and indices, far inside ±2^53, or INT64_MIN, which a double holds). */
export function tensorValues(t: OnnxDataType, raw: Uint8Array): number[] {
  const buf = raw.slice().buffer;
  switch (t) {
    case OnnxDataType.FLOAT:
      return Array.from(new Float32Array(buf));
    case OnnxDataType.DOUBLE:
      return Array.from(new Float64Array(buf));
    case OnnxDataType.INT32:
      return Array.from(new Int32Array(buf));
    case OnnxDataType.UINT32:
      return Array.from(new Uint32Array(buf));
    case OnnxDataType.INT16:
      return Array.from(new Int16Array(buf));
    case OnnxDataType.INT8:
      return Array.from(new Int8Array(buf));
    case OnnxDataType.UINT8:
    case OnnxDataType.BOOL:
      return Array.from(new Uint8Array(buf));
    case OnnxDataType.INT64:
      return Array.from(new BigInt64Array(buf), Number);
    default:
      throw new DTypeError(`exportOnnx: constants of ONNX element type ${t} cannot be read back`);
  }
}
