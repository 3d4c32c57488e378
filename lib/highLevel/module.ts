// ASSIGNMENT assignment2
/**
 * `Module`: the course's torch.nn.Module in tfjs, a tf.layers.Layer that owns other layers.
 *
 * tfjs does not track layers used inside a custom layer (tfjs#8253, #8569): their weights are missing
 * from `trainableWeights`, `model.summary()` and `model.save()`, so an optimizer given the custom
 * layer's weights would train nothing. A Module reports the weights of every layer held in one of
 * its properties (or in an array property), as nn.Module registers its attributes:
 *
 *     class TwoLayerFC extends Module {
 *       fc1 = tf.layers.dense({ units: 100, activation: "relu" });
 *       fc2 = tf.layers.dense({ units: 10 });
 *       forward(x: Tensor, training: boolean): Tensor {
 *         return this.fc2.apply(this.fc1.apply(flatten(x), { training }), { training }) as Tensor;
 *       }
 *     }
 *     const model = new TwoLayerFC();
 *     model.apply(x, { training: true });        // builds the sublayers on first use
 *     optimizer.minimize(() => loss(model.apply(x, { training: true })), true, model.variables());
 *
 * `training` plays the role of model.train() / model.eval(): dropout and batch norm look at it.
 */
import type { LayerVariable, Shape } from "@tensorflow/tfjs-node";
import { tf, Tensor, Variable } from "../tf";

/** The type of a tf.layers layer (tfjs exports the class as a value only). */
export type TFLayer = InstanceType<typeof tf.layers.Layer>;

export abstract class Module extends tf.layers.Layer {
  /** tfjs names layers after their class (`static className`); a Module subclass needs none. */
  getClassName(): string {
    return (this.constructor as { className?: string }).className ?? this.constructor.name;
  }

  /** The forward pass on a concrete batch; `training` is true while training. */
  abstract forward(x: Tensor, training: boolean): Tensor;

  call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor {
    return this.forward(Array.isArray(inputs) ? inputs[0] : inputs, kwargs.training === true);
  }

  /** Layers held in this module's own properties (directly or in arrays), in the order they were set. */
  sublayers(): TFLayer[] {
    const out: TFLayer[] = [];
    for (const v of Object.values(this)) {
      if (v instanceof tf.layers.Layer && v !== this) out.push(v);
      else if (Array.isArray(v)) for (const w of v) if (w instanceof tf.layers.Layer && w !== this) out.push(w);
    }
    return out;
  }

  get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.sublayers().flatMap((l) => l.trainableWeights) : [];
  }
  set trainableWeights(_weights: LayerVariable[]) {
    throw new Error(`${this.name}: a Module's weights are those of its sublayers; set them there`);
  }

  get nonTrainableWeights(): LayerVariable[] {
    const subs = this.sublayers();
    return this.trainable ? subs.flatMap((l) => l.nonTrainableWeights) : subs.flatMap((l) => l.weights);
  }
  set nonTrainableWeights(_weights: LayerVariable[]) {
    throw new Error(`${this.name}: a Module's weights are those of its sublayers; set them there`);
  }

  /** The trainable tf.Variables, for `optimizer.minimize(f, true, module.variables())`. */
  variables(): Variable[] {
    const ws = this.trainableWeights;
    if (ws.length === 0) {
      throw new Error(`${this.name}: no weights yet. tf.layers create their weights the first time they are applied: ` +
        "run the model once (e.g. model.apply(x)) before asking for its variables");
    }
    return ws.map((w) => w.read() as Variable);
  }

  /**
   * Output shape for symbolic use (inside tf.sequential / tf.model): runs forward once on a batch
   * of one zero input, which also creates the sublayers' weights.
   */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    if (shape.slice(1).some((d) => d === null)) return super.computeOutputShape(inputShape);
    const out = tf.tidy(() => this.forward(tf.zeros([1, ...(shape.slice(1) as number[])]), false).shape);
    return [null, ...out.slice(1)];
  }
}
