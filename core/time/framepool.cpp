#include "framepool.h"

namespace cachelab::detail {

constinit thread_local FramePools t_framePools __attribute__((tls_model("initial-exec"))) = {};

void releaseFramePool() noexcept
{
    FramePools &pools = t_framePools;
    for (std::size_t c = 0; c < FramePools::kClasses; ++c) {
        while (FramePools::FreeFrame *f = pools.head[c]) {
            pools.head[c] = f->next;
            ::operator delete(f);
        }
        pools.kept[c] = 0;
    }
}

} // namespace cachelab::detail
