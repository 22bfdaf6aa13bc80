// MachineInfo.h - what a benchmark prints about the machine it ran on: CPU model, cores, load average.
#pragma once

#include <string>

namespace weft::bench {

// "AMD EPYC 7B13" (model name of /proc/cpuinfo), or "unknown CPU".
std::string cpu_model_name();
// The cores this process may run on (what `nproc` prints).
int usable_cores();
// "1.92 1.85 2.03": the 1, 5 and 15 minute load averages of /proc/loadavg.
std::string load_average();

}  // namespace weft::bench
