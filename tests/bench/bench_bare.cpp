// The smallest honest discrete-event program for Cache Lab's benchmark workload, and Cache
// Lab's own simulate() on the same workload, in the same run.
//
// The bare program: C++20 coroutines with heap-allocated frames, a std::priority_queue of
// events, integer keys and values in std::unordered_maps, no tracing, no metrics, no
// versions. Cache-aside: each read asks the cache (1 ms round trip, the answer half-way), and
// on a miss reads the database (50 ms) and fills the cache (1 ms), TTL 1 h. Requests: Zipf(0.99)
// over 10,000 keys, Poisson arrivals at 1,000 per second. Prints reads per second of wall
// time for both, best of RUNS, and their ratio (issue 14's target: Cache Lab at least 1.0).
//
//   build/tests/bench/bench_bare [REQUESTS [RUNS]]

#include <workload/workload.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <coroutine>
#include <queue>
#include <random>
#include <unordered_map>
#include <vector>

using namespace cachelab;

namespace bare {

using Time = long long; // microseconds

struct Event
{
    Time at;
    long long order; // first scheduled, first run, at equal times
    std::coroutine_handle<> handle;
    bool operator>(const Event &o) const { return at != o.at ? at > o.at : order > o.order; }
};

struct Simulator
{
    std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
    Time now = 0;
    long long scheduled = 0;

    void at(Time t, std::coroutine_handle<> h) { events.push({t, scheduled++, h}); }
    void run()
    {
        while (!events.empty()) {
            const Event e = events.top();
            events.pop();
            now = e.at;
            e.handle.resume();
        }
    }
};

/// A fire-and-forget coroutine: starts at once, frees its frame when it ends.
struct Process
{
    struct promise_type
    {
        Process get_return_object() { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() { std::terminate(); }
    };
};

struct Sleep
{
    Simulator &sim;
    Time delay;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const { sim.at(sim.now + delay, h); }
    void await_resume() const noexcept {}
};

struct Entry
{
    int value;
    Time expires;
};

struct World
{
    Simulator sim;
    std::unordered_map<int, Entry> cache;
    std::unordered_map<int, int> database;
    long long hits = 0, misses = 0, done = 0;
};

constexpr Time kCache = 1000, kDatabase = 50'000, kTtl = 3600LL * 1'000'000;

Process read(World &w, int key)
{
    co_await Sleep{w.sim, kCache / 2};
    const auto it = w.cache.find(key);
    const bool hit = it != w.cache.end() && it->second.expires > w.sim.now;
    co_await Sleep{w.sim, kCache / 2};
    if (hit) {
        ++w.hits;
    } else {
        ++w.misses;
        co_await Sleep{w.sim, kDatabase / 2};
        const int value = w.database[key];
        co_await Sleep{w.sim, kDatabase / 2};
        co_await Sleep{w.sim, kCache / 2};
        w.cache[key] = Entry{value, w.sim.now + kTtl};
        co_await Sleep{w.sim, kCache / 2};
    }
    ++w.done;
}

Process arrivals(World &w, long long requests, int keys)
{
    std::mt19937_64 random(1);
    std::vector<double> cdf(static_cast<std::size_t>(keys));
    double sum = 0;
    for (int k = 0; k < keys; ++k)
        cdf[std::size_t(k)] = sum += 1.0 / std::pow(double(k + 1), 0.99);
    std::uniform_real_distribution<double> uniform(0.0, sum);
    std::exponential_distribution<double> gap(1.0 / 1000.0); // per microsecond: 1,000/s
    for (long long i = 0; i < requests; ++i) {
        co_await Sleep{w.sim, Time(gap(random))};
        const int key =
            int(std::lower_bound(cdf.begin(), cdf.end(), uniform(random)) - cdf.begin());
        read(w, key);
    }
}

struct Figures
{
    double readsPerSecond = 0;
    double hitRatio = 0;
};

Figures run(long long requests)
{
    World w;
    for (int k = 0; k < 10'000; ++k)
        w.database[k] = k;
    QElapsedTimer timer;
    timer.start();
    arrivals(w, requests, 10'000);
    w.sim.run();
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    return {double(w.done) / seconds, double(w.hits) / double(w.hits + w.misses)};
}

} // namespace bare

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const long long requests = args.size() > 1 ? args[1].toLongLong() : 1'000'000;
    const int runs = args.size() > 2 ? std::max(1, args[2].toInt()) : 3;

    WorkloadSpec workload;
    workload.requests = requests;
    workload.keys = 10'000;
    workload.distribution.kind = KeyDistribution::Kind::Zipf;
    workload.distribution.exponent = 0.99;
    workload.writeRatio = 0;

    bare::Figures baseline;
    SimulationResult lab;
    for (int i = 0; i < runs; ++i) { // alternate, so that a noisy moment hurts both alike
        const bare::Figures b = bare::run(requests);
        if (b.readsPerSecond > baseline.readsPerSecond)
            baseline = b;
        SimulationResult r = simulate(PatternKind::CacheAside, PatternOptions{}, workload);
        if (r.opsPerSecond > lab.opsPerSecond)
            lab = std::move(r);
    }
    QTextStream out(stdout);
    out << QStringLiteral("bare coroutine baseline: %1 reads/s, hit ratio %2\n")
               .arg(baseline.readsPerSecond, 10, 'f', 0)
               .arg(baseline.hitRatio, 0, 'f', 4);
    out << QStringLiteral("Cache Lab simulate     : %1 reads/s, hit ratio %2\n")
               .arg(lab.opsPerSecond, 10, 'f', 0)
               .arg(lab.hitRatio, 0, 'f', 4);
    out << QStringLiteral("ratio (target >= 1.0)  : %1\n")
               .arg(lab.opsPerSecond / baseline.readsPerSecond, 0, 'f', 2);
    return 0;
}
