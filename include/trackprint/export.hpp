// TRACKPRINT_API marks what libtrackprint.so exports. The engine is compiled with hidden
// visibility, so a function or class of include/trackprint/ without it links inside this build
// but not from a program using the installed library (tests/consumer would fail to link).
#pragma once

#define TRACKPRINT_API __attribute__((visibility("default")))
