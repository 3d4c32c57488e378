// ASSIGNMENT assignment2
/** Helpers of the assignment 2 high-level API notebook (tfjs layers, fit, native kernels). */
export * from "./dataLoader";
export * from "./progress";
export * from "./schedule";
export * from "./checkpoint";
export * from "./module";
export * from "./nativeLayers";
/** tfjs types a notebook needs by name (the `tf` namespace of lib/tf.ts lists only tensor types) */
export type { LayersModel, Sequential, Optimizer } from "@tensorflow/tfjs-node";
