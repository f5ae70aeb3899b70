// Compiles nothing: the target it belongs to, clockwork_test_headers, exists to precompile the
// headers nearly every test includes, which the test programs then reuse
// (clockwork_test_program in the top-level CMakeLists.txt).
