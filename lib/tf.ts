/**
 * The TensorFlow.js module every part of the library uses, with the native backend selected.
 *
 * `import { tf, Tensor } from "./tf"`. By default this is @tensorflow/tfjs-node (native TensorFlow,
 * `tf.getBackend() === "tensorflow"`). If the native addon is missing, importing the library fails
 * with a message that says how to fix it. A deliberate override, `CS231N_BACKEND=cpu` (pure JS, very
 * slow) or `CS231N_BACKEND=wasm` (needs @tensorflow/tfjs-backend-wasm), is a last resort: it prints
 * which backend runs, and tests and benchmarks never use it.
 */
import type * as TF from "@tensorflow/tfjs-node";
import { installOnednnMaxPool } from "./onednn";

export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Rank, Variable } from "@tensorflow/tfjs-node";

function loadTf(): typeof TF {
  // TensorFlow's C++ logging goes to stderr, which tslab shows as errors: keep only warnings+.
  if (process.env.TF_CPP_MIN_LOG_LEVEL === undefined) process.env.TF_CPP_MIN_LOG_LEVEL = "2";
  // oneDNN kernels for matmul, convolution and reductions. TensorFlow enables them by default only on
  // CPUs with AVX-512 VNNI and the like; on AVX2 CPUs its fallback kernels are 2-6x slower (matmul
  // with a transposed operand, row sums) and differ in float32 rounding from what the course's
  // thresholds were measured with (notes/float32-thresholds.md). TF reads this once, when the
  // native library loads; an explicit TF_ENABLE_ONEDNN_OPTS=0 still turns them off.
  if (process.env.TF_ENABLE_ONEDNN_OPTS === undefined) process.env.TF_ENABLE_ONEDNN_OPTS = "1";
  const override = process.env.CS231N_BACKEND;
  if (override && override !== "tensorflow") {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const tfjs = require("@tensorflow/tfjs") as typeof TF;
    if (override === "wasm") {
      try {
        require("@tensorflow/tfjs-backend-wasm");
      } catch {
        throw new Error("cs231n-ts: CS231N_BACKEND=wasm needs `npm install @tensorflow/tfjs-backend-wasm`.");
      }
    } else if (override !== "cpu") {
      throw new Error(`cs231n-ts: CS231N_BACKEND=${override} is not a backend; use tensorflow (default), cpu or wasm.`);
    }
    void tfjs.setBackend(override);
    console.warn(`cs231n-ts: using the '${override}' backend (CS231N_BACKEND); it is much slower than native TensorFlow.`);
    return tfjs;
  }
  let tf: typeof TF;
  try {
    tf = require("@tensorflow/tfjs-node") as typeof TF;
  } catch (e) {
    const why = e instanceof Error ? e.message.split("\n")[0] : String(e);
    throw new Error(
      `cs231n-ts: the native TensorFlow backend (@tensorflow/tfjs-node) did not load: ${why}\n` +
        "Fix: run `npm install` in the project root (it builds the addon from the tensorflow-cpu wheel),\n" +
        "or see README.md > Troubleshooting. As a slow last resort set CS231N_BACKEND=cpu.",
    );
  }
  if (tf.getBackend() !== "tensorflow") {
    throw new Error(`cs231n-ts: expected the 'tensorflow' backend, got '${tf.getBackend()}'. Run \`npm install\` again.`);
  }
  return tf;
}

export const tf: typeof TF = loadTf();
// max pooling on oneDNN's kernels, as convolutions and matmuls already are (lib/onednn.ts)
installOnednnMaxPool(tf);

/** Type names under `tf.` as in plain tfjs code (`tf.Tensor2D`, `tf.Rank`, ...). */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace tf {
  export type Tensor<R extends TF.Rank = TF.Rank> = TF.Tensor<R>;
  export type Tensor1D = TF.Tensor1D;
  export type Tensor2D = TF.Tensor2D;
  export type Tensor3D = TF.Tensor3D;
  export type Tensor4D = TF.Tensor4D;
  export type Tensor5D = TF.Tensor5D;
  export type Scalar = TF.Scalar;
  export type Variable<R extends TF.Rank = TF.Rank> = TF.Variable<R>;
  export type Rank = TF.Rank;
  export type DataType = TF.DataType;
  export type TensorLike = TF.TensorLike;
  export type NamedTensorMap = TF.NamedTensorMap;
}

/** Version of the native TensorFlow library behind the backend (e.g. "2.18.0"), or the backend name. */
export function tensorflowVersion(): string {
  const backend = tf.backend() as unknown as { binding?: { TF_Version?: string } };
  return backend.binding?.TF_Version ?? `(${tf.getBackend()} backend)`;
}
