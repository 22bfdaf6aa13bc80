// Passes.cpp - placeholder translation unit until the first pass lands.
namespace weft {}
