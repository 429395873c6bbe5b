#!/usr/bin/env python3
"""ONNX Runtime's own per-node profile of a model: kernel time per op kind and the slowest nodes (ms per run).

The peer figure for `./qsh -c 'load MODEL; profile --random'` (issue 15's "no op kind above 3x ONNX Runtime"): ORT
fuses and re-lays-out differently (NCHWc reorders, QuickGelu for x * Sigmoid(x)), so compare kinds and whole
chains, not node names. Needs numpy and onnxruntime (a local venv; not a test dependency). Usage:
python3 bench/scripts/ort_profile.py MODEL.onnx [THREADS=2] [TOP=10]  (symbolic dims: batch 1, spatial 224)
"""
import glob, json, os, sys, tempfile, collections
import numpy as np, onnxruntime as ort

path = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
top = int(sys.argv[3]) if len(sys.argv) > 3 else 10
warm, runs = 30, 100
prefix = os.path.join(tempfile.mkdtemp(), 'prof')
so = ort.SessionOptions()
so.intra_op_num_threads = threads
so.enable_profiling = True
so.profile_file_prefix = prefix
sess = ort.InferenceSession(path, so, providers=['CPUExecutionProvider'])
rng = np.random.default_rng(1)
feeds = {}
for i in sess.get_inputs():
    shape = [d if isinstance(d, int) else 1 for d in i.shape]
    if len(shape) == 4:
        shape[2:] = [d if isinstance(d, int) else 224 for d in i.shape[2:]]
    feeds[i.name] = rng.random(shape, dtype=np.float32)
for _ in range(warm + runs):
    sess.run(None, feeds)
events = json.load(open(sess.end_profiling()))
model_runs = sorted(e['ts'] for e in events if e.get('cat') == 'Session' and e['name'] == 'model_run')
cut = model_runs[warm]
kinds, nodes = collections.Counter(), collections.Counter()
for e in events:
    if e.get('cat') == 'Node' and e['name'].endswith('_kernel_time') and e['ts'] >= cut:
        kinds[e['args']['op_name']] += e['dur']
        nodes[e['name'][:-len('_kernel_time')]] += e['dur']
total = sum(e['dur'] for e in events if e.get('cat') == 'Session' and e['name'] == 'model_run' and e['ts'] >= cut)
print('%s, %d thread(s): %.3f ms per run (profiled); kernel time per op kind, ms per run:' % (path, threads, total / runs / 1000))
for k, v in kinds.most_common():
    print('  %7.3f  %s' % (v / runs / 1000, k))
print('slowest nodes:')
for k, v in nodes.most_common(top):
    print('  %7.3f  %s' % (v / runs / 1000, k))
for f in glob.glob(prefix + '*'):
    os.remove(f)
