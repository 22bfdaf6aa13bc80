// ConvShapes.h - every distinct convolution of resnet18, squeezenet1_1 and mobilenet_v3_small at batch 1 (224x224), for conv_bench and conv_ab.
#pragma once

#include <cstdint>

namespace weft_bench {

// The shapes were listed from torchvision's models with forward hooks; `count` is how often a
// shape occurs in its net.
struct ConvShape {
  const char* net;
  int64_t cin, h, w, cout, k, stride, pad, groups, count;
};

// {net, Cin, H, W, Cout, kernel, stride, pad, groups, occurrences}
inline const ConvShape kShapes[] = {
    {"resnet18", 3, 224, 224, 64, 7, 2, 3, 1, 1},
    {"resnet18", 64, 56, 56, 64, 3, 1, 1, 1, 4},
    {"resnet18", 64, 56, 56, 128, 3, 2, 1, 1, 1},
    {"resnet18", 128, 28, 28, 128, 3, 1, 1, 1, 3},
    {"resnet18", 64, 56, 56, 128, 1, 2, 0, 1, 1},
    {"resnet18", 128, 28, 28, 256, 3, 2, 1, 1, 1},
    {"resnet18", 256, 14, 14, 256, 3, 1, 1, 1, 3},
    {"resnet18", 128, 28, 28, 256, 1, 2, 0, 1, 1},
    {"resnet18", 256, 14, 14, 512, 3, 2, 1, 1, 1},
    {"resnet18", 512, 7, 7, 512, 3, 1, 1, 1, 3},
    {"resnet18", 256, 14, 14, 512, 1, 2, 0, 1, 1},
    {"squeezenet1_1", 3, 224, 224, 64, 3, 2, 0, 1, 1},
    {"squeezenet1_1", 64, 55, 55, 16, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 16, 55, 55, 64, 1, 1, 0, 1, 2},
    {"squeezenet1_1", 16, 55, 55, 64, 3, 1, 1, 1, 2},
    {"squeezenet1_1", 128, 55, 55, 16, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 128, 27, 27, 32, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 32, 27, 27, 128, 1, 1, 0, 1, 2},
    {"squeezenet1_1", 32, 27, 27, 128, 3, 1, 1, 1, 2},
    {"squeezenet1_1", 256, 27, 27, 32, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 256, 13, 13, 48, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 48, 13, 13, 192, 1, 1, 0, 1, 2},
    {"squeezenet1_1", 48, 13, 13, 192, 3, 1, 1, 1, 2},
    {"squeezenet1_1", 384, 13, 13, 48, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 384, 13, 13, 64, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 64, 13, 13, 256, 1, 1, 0, 1, 2},
    {"squeezenet1_1", 64, 13, 13, 256, 3, 1, 1, 1, 2},
    {"squeezenet1_1", 512, 13, 13, 64, 1, 1, 0, 1, 1},
    {"squeezenet1_1", 512, 13, 13, 1000, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 3, 224, 224, 16, 3, 2, 1, 1, 1},
    {"mobilenet_v3_small", 16, 112, 112, 16, 3, 2, 1, 16, 1},
    {"mobilenet_v3_small", 16, 1, 1, 8, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 8, 1, 1, 16, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 16, 56, 56, 16, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 16, 56, 56, 72, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 72, 56, 56, 72, 3, 2, 1, 72, 1},
    {"mobilenet_v3_small", 72, 28, 28, 24, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 24, 28, 28, 88, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 88, 28, 28, 88, 3, 1, 1, 88, 1},
    {"mobilenet_v3_small", 88, 28, 28, 24, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 24, 28, 28, 96, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 96, 28, 28, 96, 5, 2, 2, 96, 1},
    {"mobilenet_v3_small", 96, 1, 1, 24, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 24, 1, 1, 96, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 96, 14, 14, 40, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 40, 14, 14, 240, 1, 1, 0, 1, 2},
    {"mobilenet_v3_small", 240, 14, 14, 240, 5, 1, 2, 240, 2},
    {"mobilenet_v3_small", 240, 1, 1, 64, 1, 1, 0, 1, 2},
    {"mobilenet_v3_small", 64, 1, 1, 240, 1, 1, 0, 1, 2},
    {"mobilenet_v3_small", 240, 14, 14, 40, 1, 1, 0, 1, 2},
    {"mobilenet_v3_small", 40, 14, 14, 120, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 120, 14, 14, 120, 5, 1, 2, 120, 1},
    {"mobilenet_v3_small", 120, 1, 1, 32, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 32, 1, 1, 120, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 120, 14, 14, 48, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 48, 14, 14, 144, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 144, 14, 14, 144, 5, 1, 2, 144, 1},
    {"mobilenet_v3_small", 144, 1, 1, 40, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 40, 1, 1, 144, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 144, 14, 14, 48, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 48, 14, 14, 288, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 288, 14, 14, 288, 5, 2, 2, 288, 1},
    {"mobilenet_v3_small", 288, 1, 1, 72, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 72, 1, 1, 288, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 288, 7, 7, 96, 1, 1, 0, 1, 1},
    {"mobilenet_v3_small", 96, 7, 7, 576, 1, 1, 0, 1, 3},
    {"mobilenet_v3_small", 576, 7, 7, 576, 5, 1, 2, 576, 2},
    {"mobilenet_v3_small", 576, 1, 1, 144, 1, 1, 0, 1, 2},
    {"mobilenet_v3_small", 144, 1, 1, 576, 1, 1, 0, 1, 2},
    {"mobilenet_v3_small", 576, 7, 7, 96, 1, 1, 0, 1, 2},
};

}  // namespace weft_bench
