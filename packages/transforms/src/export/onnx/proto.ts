// The ONNX messages the exporter writes, typed, and their encoding by protobufjs against the
// official schema (onnx-schema.ts, generated from the vendored onnx.proto).
import protobuf from "protobufjs/light.js";
import { onnxSchemaJson } from "./onnx-schema.js";

/** TensorProto.DataType values (onnx.proto). */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data_type: OnnxDataType;
  /** Little-endian element bytes (the layout every typed array on supported hosts has). */
  readonly raw_data: Uint8Array;
}

export interface AttributeProto {
  readonly name: string;
  readonly type: (typeof AttributeType)[keyof typeof AttributeType];
  readonly i?: number;
  readonly f?: number;
  readonly s?: Uint8Array;
  readonly t?: TensorProto;
  readonly g?: GraphProto;
  readonly ints?: readonly number[];
  readonly floats?: readonly number[];
}

export interface NodeProto {
  readonly name: string;
  readonly op_type: string;
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly attribute: readonly AttributeProto[];
}

/** One dimension: a size, or a symbolic name (a dynamic axis). */
export type Dimension = { readonly dim_value: number } | { readonly dim_param: string };

export interface ValueInfoProto {
  readonly name: string;
  readonly type: {
    readonly tensor_type: { readonly elem_type: OnnxDataType; readonly shape: { readonly dim: readonly Dimension[] } };
  };
}

export interface GraphProto {
  readonly name: string;
  readonly node: readonly NodeProto[];
  readonly initializer: readonly TensorProto[];
  readonly input: readonly ValueInfoProto[];
  readonly output: readonly ValueInfoProto[];
  readonly doc_string?: string;
}

export interface ModelProto {
  readonly ir_version: number;
  readonly opset_import: readonly { readonly domain: string; readonly version: number }[];
  readonly producer_name: string;
  readonly producer_version: string;
  readonly doc_string?: string;
  readonly graph: GraphProto;
}

let modelType: protobuf.Type | undefined;

function modelProtoType(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(onnxSchemaJson).lookupType("onnx.ModelProto");
  return modelType;
}

/** The wire bytes of a model. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  const message = type.fromObject(model as unknown as Record<string, unknown>);
  return type.encode(message).finish();
}

/** A model read back from its bytes (tests inspect names, opsets and nodes this way). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  const plain = type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array, arrays: true, defaults: false });
  return plain as ModelProto;
}
