# Conformance.cmake - the ONNX backend node tests (onnx 1.12's 922 cases) and weft's extra ONNX cases,
# imported and run through the interpreter. Included from tests/importers/CMakeLists.txt; the cases are
# generated into the build dir at test time by models/onnx/*.py.
find_package(ONNX CONFIG REQUIRED)
find_package(Protobuf REQUIRED)
find_package(nlohmann_json REQUIRED)
if(NOT WEFT_PYTHON)
  find_program(WEFT_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
endif()

set(WEFT_ONNX_CASES ${CMAKE_BINARY_DIR}/onnx_cases)
add_executable(weft_onnx_conformance
               ${CMAKE_CURRENT_LIST_DIR}/onnx_conformance_test.cpp
               ${CMAKE_CURRENT_LIST_DIR}/onnx_conformance_case.cpp
               ${CMAKE_CURRENT_LIST_DIR}/onnx_case_values.cpp)
target_link_libraries(weft_onnx_conformance PRIVATE weft_onnx weft_ir weft_opt weft_test_support weft_test_compiled onnx_proto
                      protobuf::libprotobuf nlohmann_json::nlohmann_json)
target_compile_definitions(weft_onnx_conformance PRIVATE
                           WEFT_ONNX_CASES_DEFAULT_DIR="${WEFT_ONNX_CASES}/node"
                           WEFT_ONNX_EXPECTED_DEFAULT="${CMAKE_CURRENT_LIST_DIR}/onnx_expected_failures.txt"
                           WEFT_ONNX_COMPILED_EXPECTED_DEFAULT="${CMAKE_CURRENT_LIST_DIR}/onnx_compiled_expected_failures.txt")

# ONNX's own node tests, against the expected-failure list.
add_test(NAME generate_onnx_node_cases
         COMMAND ${WEFT_PYTHON} ${weft_SOURCE_DIR}/models/onnx/generate_node_tests.py ${WEFT_ONNX_CASES})
set_tests_properties(generate_onnx_node_cases PROPERTIES FIXTURES_SETUP onnx_node_cases)
add_test(NAME onnx_conformance
         COMMAND weft_onnx_conformance --report ${CMAKE_BINARY_DIR}/onnx_conformance_report.json)
set_tests_properties(onnx_conformance PROPERTIES FIXTURES_REQUIRED onnx_node_cases TIMEOUT 120)

# The same cases interpreted after the -O2 passes (simplification, batch-norm folding): each pass
# must keep every case's results within the suite's tolerance; the expected-failure list is the same.
add_test(NAME onnx_conformance_O2
         COMMAND weft_onnx_conformance --opt-level 2 --report ${CMAKE_BINARY_DIR}/onnx_conformance_O2_report.json)
set_tests_properties(onnx_conformance_O2 PROPERTIES FIXTURES_REQUIRED onnx_node_cases TIMEOUT 120)
# And after the -O3 passes (-O2 plus loop unrolling): the report's -O3 column.
add_test(NAME onnx_conformance_O3
         COMMAND weft_onnx_conformance --opt-level 3 --report ${CMAKE_BINARY_DIR}/onnx_conformance_O3_report.json)
set_tests_properties(onnx_conformance_O3 PROPERTIES FIXTURES_REQUIRED onnx_node_cases TIMEOUT 120)

# The same cases compiled: every case the interpreter passes is built into a .so (cases merged
# into batch libraries, two built at once, at the C++ compiler's -O1) and run through the C API, against the
# shrink-only list onnx_compiled_expected_failures.txt. The report has both columns.
add_test(NAME onnx_conformance_compiled
         COMMAND weft_onnx_conformance --compiled --jobs 2
                 --report ${CMAKE_BINARY_DIR}/onnx_conformance_compiled_report.json)
set_tests_properties(onnx_conformance_compiled PROPERTIES FIXTURES_REQUIRED onnx_node_cases TIMEOUT 900 PROCESSORS 2)

# Extra cases (older opset forms, symbolic dims, composed ops vs torch): all must pass. Random
# data meets cancellation, hence the looser atol.
add_test(NAME generate_onnx_extra_cases
         COMMAND ${WEFT_PYTHON} ${weft_SOURCE_DIR}/models/onnx/generate_extra_cases.py ${WEFT_ONNX_CASES})
set_tests_properties(generate_onnx_extra_cases PROPERTIES FIXTURES_SETUP onnx_extra_cases)
add_test(NAME onnx_extra_cases
         COMMAND weft_onnx_conformance --cases ${WEFT_ONNX_CASES}/extra --no-expected --atol 1e-5
                 --report ${CMAKE_BINARY_DIR}/onnx_extra_cases_report.json)
set_tests_properties(onnx_extra_cases PROPERTIES FIXTURES_REQUIRED onnx_extra_cases TIMEOUT 120)
# The extra cases compiled too (all pass: an empty shrink-only list).
add_test(NAME onnx_extra_cases_compiled
         COMMAND weft_onnx_conformance --cases ${WEFT_ONNX_CASES}/extra --no-expected --atol 1e-5 --compiled --jobs 2
                 --compiled-expected ${CMAKE_CURRENT_LIST_DIR}/onnx_extra_compiled_expected_failures.txt
                 --report ${CMAKE_BINARY_DIR}/onnx_extra_cases_compiled_report.json)
set_tests_properties(onnx_extra_cases_compiled PROPERTIES FIXTURES_REQUIRED onnx_extra_cases TIMEOUT 600 PROCESSORS 2)

# ONNX files another tool wrote: the model zoo's classification nets as onnx-caffe2 converted them
# (opset 9, weights declared as graph inputs), shipped by the onnx wheel on PyPI and fetched at test
# time; random weights, expected outputs from ONNX's reference evaluator (see the generator). All
# must pass, interpreted and compiled. Deep nets' float sums differ in order, hence atol 1e-5.
add_test(NAME generate_onnx_foreign_cases
         COMMAND ${WEFT_PYTHON} ${weft_SOURCE_DIR}/models/onnx/make_foreign_onnx_cases.py ${WEFT_ONNX_CASES}/foreign)
set_tests_properties(generate_onnx_foreign_cases PROPERTIES FIXTURES_SETUP onnx_foreign_cases TIMEOUT 900)
add_test(NAME onnx_foreign_models
         COMMAND weft_onnx_conformance --cases ${WEFT_ONNX_CASES}/foreign --no-expected --atol 1e-5
                 --report ${CMAKE_BINARY_DIR}/onnx_foreign_models_report.json)
set_tests_properties(onnx_foreign_models PROPERTIES FIXTURES_REQUIRED onnx_foreign_cases TIMEOUT 600)
add_test(NAME onnx_foreign_models_compiled
         COMMAND weft_onnx_conformance --cases ${WEFT_ONNX_CASES}/foreign --no-expected --atol 1e-5 --compiled
                 --jobs 2 --batch-size 1
                 --compiled-expected ${CMAKE_CURRENT_LIST_DIR}/onnx_foreign_compiled_expected_failures.txt
                 --report ${CMAKE_BINARY_DIR}/onnx_foreign_models_compiled_report.json)
set_tests_properties(onnx_foreign_models_compiled PROPERTIES FIXTURES_REQUIRED onnx_foreign_cases TIMEOUT 1200
                     PROCESSORS 2)
