#pragma once

#include <cstddef>

namespace cachelab::detail {

/// Recycles coroutine frames. A simulation creates and destroys millions of frames of a few
/// sizes; reusing freed ones per size class (per thread) costs a few instructions where the
/// general-purpose heap costs a hundred. Frames above the largest class, and every frame in
/// sanitizer builds (so that AddressSanitizer still sees each use after free), go to the heap.
void *allocateFrame(std::size_t size);
void freeFrame(void *frame, std::size_t size) noexcept;

} // namespace cachelab::detail
