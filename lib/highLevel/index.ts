/** Helpers of the assignment 2 high-level API notebook (tfjs layers, fit, native kernels). */
export * from "./dataLoader";
export * from "./progress";
export * from "./schedule";
export * from "./checkpoint";
export * from "./module";
export * from "./nativeLayers";
