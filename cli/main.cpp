// main.cpp - the `weft` command line.
#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"weft - a compiler for dynamic neural networks"};
  app.set_version_flag("--version", std::string("weft ") + WEFT_VERSION);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
