#pragma once

#include <cstddef>
#include <new>

namespace cachelab::detail {

/// Recycles coroutine frames. A simulation creates and destroys millions of frames of a few
/// sizes; reusing freed ones per size class (per thread) costs a few instructions where the
/// general-purpose heap costs a hundred. Frames above the largest class, and every frame in
/// sanitizer builds (so that AddressSanitizer still sees each use after free), go to the heap.
/// Inline, because it runs three times per simulated read.
struct FramePools
{
#if defined(__SANITIZE_ADDRESS__)
    static constexpr bool kPooling = false;
#else
    static constexpr bool kPooling = true;
#endif
    static constexpr std::size_t kGranule = 64;
    static constexpr std::size_t kClasses = 16;   // frames up to 1 KiB are pooled
    static constexpr std::size_t kMaxKept = 1024; // per class, so an idle pool stays small

    struct FreeFrame
    {
        FreeFrame *next;
    };
    FreeFrame *head[kClasses];
    std::size_t kept[kClasses];
};

/// Gives this thread's pooled frames back to the heap. Threads that ran a simulation call it
/// before they end (the pool itself is plain data, so that reaching it costs no
/// thread-local initialisation check on every frame).
void releaseFramePool() noexcept;

// initial-exec: the library is built position-independent (Qt requires it), and the default
// TLS model would then call __tls_get_addr on every frame. Fine for programs that link it; a
// plug-in that dlopen()s it late would need the default model back.
extern constinit thread_local FramePools t_framePools __attribute__((tls_model("initial-exec")));

inline void *allocateFrame(std::size_t size)
{
    const std::size_t c = (size - 1) / FramePools::kGranule;
    if (!FramePools::kPooling || c >= FramePools::kClasses)
        return ::operator new(size);
    FramePools &pools = t_framePools;
    if (FramePools::FreeFrame *f = pools.head[c]) {
        pools.head[c] = f->next;
        --pools.kept[c];
        return f;
    }
    return ::operator new((c + 1) * FramePools::kGranule);
}

inline void freeFrame(void *frame, std::size_t size) noexcept
{
    const std::size_t c = (size - 1) / FramePools::kGranule;
    FramePools &pools = t_framePools;
    if (!FramePools::kPooling || c >= FramePools::kClasses ||
        pools.kept[c] >= FramePools::kMaxKept) {
        ::operator delete(frame);
        return;
    }
    auto *f = static_cast<FramePools::FreeFrame *>(frame);
    f->next = pools.head[c];
    pools.head[c] = f;
    ++pools.kept[c];
}

} // namespace cachelab::detail
