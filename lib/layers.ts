/**
 * Layers as forward/backward pairs (cs231n's layers.py), on float32 tensors, one family per file in
 * lib/layers/. Every forward returns `[out, cache]` and every backward takes `(dout, cache)`.
 *
 * Tensor lifetime: caches are opaque and hold references to the forward's inputs and to
 * intermediate results; nothing is disposed by the layers. The caller's scope owns every tensor a
 * layer creates: run forward and backward inside one `tf.tidy` (Solver's step and the models'
 * `loss` do), which frees the intermediates and keeps what the callback returns.
 */
export * from "./layers/affine";
export * from "./layers/relu";
export * from "./layers/losses";
// BEGIN ASSIGNMENT assignment2
export * from "./layers/batchnorm";
export * from "./layers/layernorm";
export * from "./layers/dropout";
export * from "./layers/conv";
export * from "./layers/spatialNorm";
// END ASSIGNMENT
