#!/usr/bin/env python3
"""ONNX Runtime on single Conv nodes: ms and GMAC/s per shape with 1 and 2 threads (best of 200 runs).

The peer figure for qsh's GEMM (bench/figures/zoo-speed.md): ResNet-18's 3 x 3 layers as one-node models.
Needs numpy, onnx and onnxruntime (a local venv; not a test dependency). Usage: python3
bench/scripts/ort_single_conv.py
"""
import numpy as np, onnx, onnxruntime as ort, time
from onnx import helper, TensorProto, numpy_helper
# (C, H, W, M, kernel, stride): ResNet-18's layers at 224 x 224
shapes=[(3,224,224,64,7,2),(64,56,56,64,3,1),(128,28,28,128,3,1),(256,14,14,256,3,1),(512,7,7,512,3,1)]
for (c,h,w,m,k,s) in shapes:
    W=np.random.randn(m,c,k,k).astype(np.float32)
    B=np.random.randn(m).astype(np.float32)
    p=k//2
    node=helper.make_node('Conv',['x','W','B'],['y'],kernel_shape=[k,k],pads=[p]*4,strides=[s,s])
    oh=(h+2*p-k)//s+1
    g=helper.make_graph([node],'g',[helper.make_tensor_value_info('x',TensorProto.FLOAT,[1,c,h,w])],[helper.make_tensor_value_info('y',TensorProto.FLOAT,[1,m,oh,oh])],[numpy_helper.from_array(W,'W'),numpy_helper.from_array(B,'B')])
    mod=helper.make_model(g,opset_imports=[helper.make_opsetid('',13)]); mod.ir_version=8
    for th in (1,2):
        so=ort.SessionOptions(); so.intra_op_num_threads=th
        sess=ort.InferenceSession(mod.SerializeToString(),so,providers=['CPUExecutionProvider'])
        x=np.random.randn(1,c,h,w).astype(np.float32)
        for _ in range(20): sess.run(None,{'x':x})
        best=1e9
        for _ in range(200):
            t0=time.perf_counter(); sess.run(None,{'x':x}); best=min(best,time.perf_counter()-t0)
        macs=m*oh*oh*c*k*k
        print((c,h,w,m,k,s),th,'threads: %.3f ms %.1f GMAC/s'%(best*1e3,macs/best/1e9))
