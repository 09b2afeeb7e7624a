/* SPDX-License-Identifier: MIT */
/* libFuzzer entry points, declared for -Wmissing-prototypes. */
#ifndef TERN_FUZZ_H
#define TERN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant broke: a crash the fuzzer keeps as an artifact. */
#define FUZZ_ASSERT(x) do { if (!(x)) abort(); } while (0)

#endif
