"""Prints the rows of qsh.core.schema.OpSchemas from ONNX's own operator schemas (the facts behind Operators.md and
Changelog.md): for every op qsh knows, each version's since-opset, input/output count range and attribute names
('!' = required). Run with an ONNX wheel unpacked at ONNX_DIR (its C extension holds the schemas), e.g.
    unzip onnx-1.23.1-cp311-*.whl 'onnx/*' -d /tmp/onnx && /usr/bin/python3 onnx_schema_table.py /tmp/onnx/onnx
"""
import sys
import types

ONNX_DIR = sys.argv[1]
pkg = types.ModuleType('onnx')
pkg.__path__ = [ONNX_DIR]
sys.modules['onnx'] = pkg  # skip onnx/__init__ (it needs a newer protobuf than Debian's); only the schemas are read
import onnx.onnx_cpp2py_export as C  # noqa: E402

OPS = sys.argv[2].split(',')
MAX_OPSET = 23
for s in sorted(C.defs.get_all_schemas_with_history(), key=lambda s: (s.name, s.since_version)):
    if s.domain not in ('', 'ai.onnx') or s.name not in OPS or s.since_version > MAX_OPSET:
        continue
    attrs = ''.join(', "' + a + ('!' if s.attributes[a].required else '') + '"' for a in sorted(s.attributes))
    mx = 'N' if s.max_input > 1000 else str(s.max_input)
    mo = 'N' if s.max_output > 1000 else str(s.max_output)
    dep = 'DEPRECATED' if s.deprecated else 'v'
    print(f'        {dep}("{s.name}", {s.since_version}, {s.min_input}, {mx}, {s.min_output}, {mo}{attrs});')
