#include "framepool.h"

#include <new>

namespace cachelab::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif

constexpr std::size_t kGranule = 64;
constexpr std::size_t kClasses = 16;   // frames up to 1 KiB are pooled
constexpr std::size_t kMaxKept = 1024; // per class, so an idle pool stays small

// A free list threaded through the freed frames themselves: no allocation of its own.
struct FreeFrame
{
    FreeFrame *next;
};

struct Pools
{
    FreeFrame *head[kClasses] = {};
    std::size_t kept[kClasses] = {};
    ~Pools()
    {
        for (FreeFrame *f : head) {
            while (f) {
                FreeFrame *next = f->next;
                ::operator delete(f);
                f = next;
            }
        }
    }
};

// initial-exec: the library is built position-independent (Qt requires it), and the default
// TLS model would then call __tls_get_addr on every frame. Fine for programs that link it;
// a plug-in that dlopen()s it late would need the default model back.
thread_local Pools t_pools __attribute__((tls_model("initial-exec")));

} // namespace

void *allocateFrame(std::size_t size)
{
    const std::size_t c = (size + kGranule - 1) / kGranule - 1;
    if (!kPooling || c >= kClasses)
        return ::operator new(size);
    if (FreeFrame *f = t_pools.head[c]) {
        t_pools.head[c] = f->next;
        --t_pools.kept[c];
        return f;
    }
    return ::operator new((c + 1) * kGranule);
}

void freeFrame(void *frame, std::size_t size) noexcept
{
    const std::size_t c = (size + kGranule - 1) / kGranule - 1;
    if (!kPooling || c >= kClasses || t_pools.kept[c] >= kMaxKept) {
        ::operator delete(frame);
        return;
    }
    auto *f = static_cast<FreeFrame *>(frame);
    f->next = t_pools.head[c];
    t_pools.head[c] = f;
    ++t_pools.kept[c];
}

} // namespace cachelab::detail
