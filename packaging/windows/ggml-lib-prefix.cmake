# whisper.cpp's ggml drops the "lib" prefix of its static libraries when building for
# Windows (ggml.a, ggml-base.a, ggml-cpu.a), but whisper-rs-sys asks rustc to link
# `static=ggml`, which for the windows-gnu target means libggml.a. scripts/build-windows.sh
# passes this file as CMAKE_PROJECT_ggml_INCLUDE (run right after ggml's project() call);
# it puts the prefix back once ggml's CMakeLists.txt has defined the targets.
cmake_language(DEFER CALL set_target_properties ggml ggml-base ggml-cpu PROPERTIES PREFIX "lib")
