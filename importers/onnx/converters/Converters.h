// Converters.h - the list of converter families, one WEFT_ONNX_CONVERTER_FAMILY(name) line each.
//
// A family `name` defines `void register_<name>_converters(ConverterTable&)` in
// converters/<Name>.cpp. To add one, append its line at the end of this file; each line
// stands alone, so families written at the same time do not conflict. Included plainly,
// this file declares the functions; ConverterTable.cpp includes it a second time with the
// macro defined to call them. (The ONNX `Constant` node is registered by ConverterTable.cpp.)
#include "importers/onnx/NodeContext.h"

#ifndef WEFT_ONNX_CONVERTER_FAMILY
#define WEFT_ONNX_CONVERTER_FAMILY(name) \
  namespace weft::onnx_import {          \
  void register_##name##_converters(ConverterTable& table); \
  }
#endif

WEFT_ONNX_CONVERTER_FAMILY(control_flow)
WEFT_ONNX_CONVERTER_FAMILY(sequence)
WEFT_ONNX_CONVERTER_FAMILY(elementwise)
WEFT_ONNX_CONVERTER_FAMILY(reduction)
WEFT_ONNX_CONVERTER_FAMILY(nn)
WEFT_ONNX_CONVERTER_FAMILY(norm)
WEFT_ONNX_CONVERTER_FAMILY(loss)
WEFT_ONNX_CONVERTER_FAMILY(rnn)
WEFT_ONNX_CONVERTER_FAMILY(shape)
WEFT_ONNX_CONVERTER_FAMILY(index)
WEFT_ONNX_CONVERTER_FAMILY(misc)
WEFT_ONNX_CONVERTER_FAMILY(einsum)
WEFT_ONNX_CONVERTER_FAMILY(quantize)
WEFT_ONNX_CONVERTER_FAMILY(training)
WEFT_ONNX_CONVERTER_FAMILY(linalg)
WEFT_ONNX_CONVERTER_FAMILY(signal)
WEFT_ONNX_CONVERTER_FAMILY(grid_sample)
WEFT_ONNX_CONVERTER_FAMILY(unique)
WEFT_ONNX_CONVERTER_FAMILY(tfidf)
WEFT_ONNX_CONVERTER_FAMILY(nms)
WEFT_ONNX_CONVERTER_FAMILY(roi_align)
