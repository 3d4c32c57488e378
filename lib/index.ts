// ASSIGNMENTS assignment1 assignment2
// (in order; what lib code each one owns is marked for grader/ownership.ts)
/** cs231n-ts library: everything a notebook needs, `import { ... } from "./lib/index"`. */
export { tf, tensorflowVersion } from "./tf";
export type { Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D, Scalar, Rank, Variable } from "./tf";
export * from "./tslabIopub"; // keeps tslab from losing messages in output bursts (see the file)
export * from "./tslabHeadless"; // no abort window after a failed cell when a program drives the kernel
export * from "./display";
export * from "./check";
export * from "./vis";
export * from "./data";
export * from "./env";
export * from "./layers";
export * from "./layerUtils";
export * from "./optim";
export * from "./solver";
export * from "./features";
export * from "./classifiers/fcNet";
export * from "./gradientCheck";
export * from "./classifiers/kNearestNeighbor";
export * from "./classifiers/linearSvm";
export * from "./classifiers/softmax";
export * from "./classifiers/linearClassifier";
// BEGIN ASSIGNMENT assignment2
export * from "./highLevel/index";
export * from "./fastLayers";
export * from "./classifiers/cnn";
// END ASSIGNMENT
