#include "interrupt.h"

#include <QElapsedTimer>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>

#include <unistd.h>

namespace cachelab::cli {

namespace {

std::atomic<bool> g_interrupted{false};
bool g_progressShown = false;

extern "C" void onInterrupt(int)
{
    g_interrupted.store(true, std::memory_order_relaxed);
}

} // namespace

void catchInterrupts()
{
    struct sigaction action = {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
}

bool interrupted()
{
    return g_interrupted.load(std::memory_order_relaxed);
}

std::function<bool(double)> terminalProgress(const QString &what)
{
    const bool terminal = isatty(STDERR_FILENO) == 1;
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    const QByteArray label = what.toLocal8Bit();
    return [terminal, timer, label](double share) {
        if (terminal && timer->elapsed() >= 200) {
            timer->restart();
            std::fprintf(stderr, "\r%s: %3d%%", label.constData(), int(share * 100));
            std::fflush(stderr);
            g_progressShown = true;
        }
        return !interrupted();
    };
}

void endProgress()
{
    if (g_progressShown) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        g_progressShown = false;
    }
}

} // namespace cachelab::cli
