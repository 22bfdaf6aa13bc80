# TorchModels.cmake - real PyTorch-exported ONNX models checked against torch; included from tests/importers/CMakeLists.txt.
set(WEFT_TORCH_TEST_MODELS ${CMAKE_BINARY_DIR}/onnx_torch_models)
add_executable(weft_onnx_torch_models_tests ${CMAKE_CURRENT_LIST_DIR}/onnx_torch_models_test.cpp)
target_link_libraries(weft_onnx_torch_models_tests PRIVATE weft_onnx weft_ir weft_test_support GTest::gtest_main nlohmann_json::nlohmann_json)
target_compile_definitions(weft_onnx_torch_models_tests PRIVATE WEFT_TORCH_TEST_MODELS_DEFAULT="${WEFT_TORCH_TEST_MODELS}")
# The models are exported at test time so the repo carries no binaries; exporting needs torch and torchvision.
add_test(NAME generate_onnx_torch_models
         COMMAND ${WEFT_PYTHON} ${PROJECT_SOURCE_DIR}/models/onnx/export_torch_models.py ${WEFT_TORCH_TEST_MODELS})
set_tests_properties(generate_onnx_torch_models PROPERTIES FIXTURES_SETUP onnx_torch_models TIMEOUT 600)
gtest_discover_tests(weft_onnx_torch_models_tests DISCOVERY_TIMEOUT 60
                     PROPERTIES FIXTURES_REQUIRED onnx_torch_models
                                ENVIRONMENT WEFT_TORCH_TEST_MODELS=${WEFT_TORCH_TEST_MODELS})
