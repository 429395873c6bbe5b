// Lesson 8: scripting qsh from JavaScript (run it with  ./qsh scripts/08-js-sweep.js  or  run scripts/08-js-sweep.js).
// Sweeps bitwidths and encoders over every convolution weight of the demo model and prints the SQNR
// (signal-to-quantization-noise ratio, dB: higher is better) of each per-tensor encoding.
qsh.load("demo");

const bitwidths = [4, 8, 16];
const modes = ["tf", "symmetric", "enhanced"];
const short = { tf: "tf", symmetric: "sym", enhanced: "enh" };
const convs = qsh.nodes().filter((n) => n.op === "Conv");

const cols = [];
for (const bw of bitwidths) for (const mode of modes) cols.push({ bw, mode, label: short[mode] + bw });

console.log(`SQNR (dB) of per-tensor weight encodings, ${convs.length} Conv weights of the demo model`);
console.log("weight".padEnd(26) + cols.map((c) => c.label.padStart(7)).join(""));
const sums = cols.map(() => 0);
for (const conv of convs) {
  const w = conv.inputs[1];
  const row = cols.map((c, i) => {
    const db = qsh.encode(w, { bw: c.bw, mode: c.mode }).sqnr_db;
    sums[i] += db;
    return db.toFixed(1).padStart(7);
  });
  console.log(w.padEnd(26) + row.join(""));
}
console.log("mean".padEnd(26) + sums.map((s) => (s / convs.length).toFixed(1).padStart(7)).join(""));

// Every extra bit buys about 6 dB; enhanced trades clipping for resolution, which pays most at 4 bits.
const gain = (bw) => sums[cols.findIndex((c) => c.bw === bw && c.mode === "enhanced")] / convs.length
    - sums[cols.findIndex((c) => c.bw === bw && c.mode === "tf")] / convs.length;
console.log(`enhanced vs tf: ${gain(4).toFixed(2)} dB at 4 bits, ${gain(8).toFixed(2)} dB at 8 bits`);
