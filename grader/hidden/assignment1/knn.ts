// Hidden tests (assignment 1): KNearestNeighbor's three distance implementations and its vote, on
// seeded random data the student never saw (and a distance matrix with ties).
import { tf, check } from "./lib/index";
const rn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
const XTr = rn([15, 8], 301);
const yTr = tf.tensor1d([0, 1, 2, 0, 1, 2, 3, 3, 0, 1, 2, 3, 0, 1, 2], "int32");
const XTe = rn([6, 8], 302);
// %%
import { KNearestNeighbor } from "./lib/index";
{
  const knn = new KNearestNeighbor();
  knn.train(XTr, yTr);
  check("hidden/knn_dists_two_loops", knn.computeDistancesTwoLoops(XTe));
}
// %%
import { KNearestNeighbor as K1 } from "./lib/index";
{
  const knn = new K1();
  knn.train(XTr, yTr);
  check("hidden/knn_dists_one_loop", knn.computeDistancesOneLoop(XTe));
}
// %%
import { KNearestNeighbor as K0 } from "./lib/index";
{
  const knn = new K0();
  knn.train(XTr, yTr);
  check("hidden/knn_dists_no_loops", knn.computeDistancesNoLoops(XTe));
}
// %%
import { KNearestNeighbor as KP } from "./lib/index";
{
  const knn = new KP();
  knn.train(XTr, yTr);
  // rows 0-3: random distances; row 4: labels 1 and 2 tie among the 4 nearest (smaller label wins);
  // row 5: equal distances everywhere (training order decides the neighbours).
  const d = (rn([4, 15], 303).abs().arraySync() as number[][]).concat([
    [9, 0.1, 0.2, 9, 0.3, 0.4, 9, 9, 9, 9, 9, 9, 9, 9, 9],
    Array.from({ length: 15 }, () => 1),
  ]);
  const dists = tf.tensor2d(d);
  check("hidden/knn_predict_k1", knn.predictLabels(dists, 1));
  check("hidden/knn_predict_k4", knn.predictLabels(dists, 4));
  check("hidden/knn_predict_k7", knn.predictLabels(dists, 7));
}
