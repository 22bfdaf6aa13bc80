"""Small builders of ONNX graphs and values shared by the importer's test-model scripts
(make_test_models.py, make_interface_cases.py)."""
import numpy as np
from onnx import helper as H, numpy_helper


def vi(name, elem, shape):
    return H.make_tensor_value_info(name, elem, shape)


def seq_vi(name, elem, shape):
    return H.make_value_info(name, H.make_sequence_type_proto(H.make_tensor_type_proto(elem, shape)))


def opt_vi(name, elem, shape):
    return H.make_value_info(name, H.make_optional_type_proto(H.make_tensor_type_proto(elem, shape)))


def model(nodes, inputs, outputs, inits=(), opset=16, ir=8, name="g"):
    g = H.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    m = H.make_model(g, opset_imports=[H.make_opsetid("", opset)])
    m.ir_version = ir
    return m


def const(name, array):
    return H.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(array), name))


def f32(*v):
    return np.array(v, dtype=np.float32)
