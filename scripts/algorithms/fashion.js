// Callbacks for the YAML configs in this folder (the spec's Python callbacks, written in JavaScript).
// qsh calls them by name: dataloader_callback: 'fashion.js:unlabelled', eval_callback_for_phase2: 'fashion.js:accuracy'.

// A data loader returns batches. A batch is the model's inputs ({input: values}, or just the values for a
// one-input model) or [inputs, target]; values hold B samples: an array of tensor views here.
function batchesOf(kwargs, labelled) {
  const split = kwargs.split || "train";
  const batchSize = kwargs.batch_size === undefined ? 8 : kwargs.batch_size;
  if (!Number.isInteger(batchSize) || batchSize < 1) { // 0 or a negative size would never end the loop below
    throw new Error("batch_size must be a positive whole number, not " + kwargs.batch_size);
  }
  const data = qsh.fashionMnist({ split, offset: kwargs.offset || 0, count: kwargs.count || 64 });
  const batches = [];
  for (let i = 0; i < data.images.length; i += batchSize) {
    const images = data.images.slice(i, i + batchSize);
    batches.push(labelled ? [images, data.labels.slice(i, i + batchSize)] : images);
  }
  return batches;
}

// Unlabelled training images: calibration and AdaRound data.
function unlabelled(kwargs) {
  return batchesOf(kwargs, false);
}

// Labelled test images: what AMP and AutoQuant score.
function labelled(kwargs) {
  return batchesOf(kwargs, true);
}

// The spec's accuracy(output, target): top-k over the batch, in percent; returns a list as the spec's does.
// output: one row of class scores per sample; target: the batch's labels.
function accuracy(output, target) {
  const topk = [1];
  const maxk = Math.max(...topk);
  const batchSize = target.length;
  const pred = output.map((row) =>
    row.map((v, k) => [v, k]).sort((a, b) => b[0] - a[0]).slice(0, maxk).map((p) => p[1]));
  const res = [];
  for (const k of topk) {
    let correct = 0;
    for (let i = 0; i < batchSize; i++) if (pred[i].slice(0, k).includes(target[i])) correct++;
    res.push((correct * 100.0) / batchSize);
  }
  return res;
}

// eval_callback_for_phase1: a model → a number (top-1 on the first 64 test images, in percent).
function phase1Accuracy(model) {
  const data = qsh.fashionMnist({ split: "test", count: 64 });
  let correct = 0;
  for (let i = 0; i < data.images.length; i++) {
    const out = Object.values(model.run({ input: data.images[i] }))[0];
    let arg = 0;
    for (let k = 1; k < out.length; k++) if (out[k] > out[arg]) arg = k;
    if (arg === data.labels[i]) correct++;
  }
  return (100 * correct) / data.images.length;
}

// forward_pass_callback: runs the samples that calibrate (here the first 32 training images).
function forwardPass(model) {
  for (const image of qsh.fashionMnist({ split: "train", count: 32 }).images) model.run({ input: image });
}
