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
  // 20 training points with labels 0-4. Each row's 7 nearest neighbours are chosen so that k = 1, 4 and 7
  // vote for different labels (nearest: a1; next three: a4, a4, other; next three: a7 x 3); then one row
  // where labels 1 and 2 tie among the 4 nearest (the smaller label wins) and one of equal distances
  // (training order decides). A constant, zero or k-ignoring answer can't match these.
  const labels = [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4];
  const knn = new KP();
  const Xd = rn([20, 3], 304);
  knn.train(Xd, tf.tensor1d(labels, "int32"));
  const votes: [number, number, number, number][] = [[0, 1, 2, 3], [3, 4, 0, 2], [2, 0, 4, 1], [1, 3, 0, 4], [4, 2, 1, 0], [2, 3, 1, 4]];
  const rows = votes.map(([a1, a4, a7, other], r) => {
    const pool = labels.map((l, j) => ({ l, j }));
    const take = (l: number): number => pool.splice(pool.findIndex((p) => p.l === l), 1)[0].j;
    const order = [take(a1), take(a4), take(a4), take(other), take(a7), take(a7), take(a7), ...pool.map((p) => p.j)];
    const d = new Array<number>(20);
    order.forEach((j, rank) => (d[j] = 0.5 + rank + 0.1 * r));
    return d;
  });
  rows.push(labels.map((_, j) => ({ 1: 0.1, 2: 0.2, 6: 0.3, 7: 0.4 } as Record<number, number>)[j] ?? 9)); // labels 1, 2, 1, 2
  rows.push(Array.from({ length: 20 }, () => 1));
  const dists = tf.tensor2d(rows);
  check("hidden/knn_predict_k1", knn.predictLabels(dists, 1));
  check("hidden/knn_predict_k4", knn.predictLabels(dists, 4));
  check("hidden/knn_predict_k7", knn.predictLabels(dists, 7));
}
