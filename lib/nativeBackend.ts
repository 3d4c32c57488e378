/**
 * tfjs-node's op runner, which its public types don't expose: any TensorFlow kernel by name, with
 * its attributes. Used where a single native kernel replaces a chain of tfjs ops.
 */
import type * as TF from "@tensorflow/tfjs-node";

/** One attribute of a TensorFlow op: name, TF_ATTR_* type code, value. */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

export interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: TF.Tensor[]): TF.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: TF.Tensor[], numOutputs: number): TF.Tensor[];
}

/** The native backend's op runner, or null on other backends (CS231N_BACKEND=cpu/wasm). */
export function nativeBackend(tf: typeof TF): NativeBackend | null {
  if (tf.getBackend() !== "tensorflow") return null;
  const be = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof be.executeMultipleOutputs === "function" && be.binding ? (be as NativeBackend) : null;
}
