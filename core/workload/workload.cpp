#include "workload.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cmath>

namespace cachelab {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Workload", text);
}

// Resumes the coroutine at the current instant, behind every event already due then.
struct YieldInstant
{
    Scheduler *scheduler;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const
    {
        scheduler->resumeAt(scheduler->now(), h);
    }
    void await_resume() const noexcept {}
};

} // namespace

std::variant<KeyDistribution, QString> KeyDistribution::parse(const QString &text)
{
    KeyDistribution d;
    const QStringList parts = text.split(u':');
    const QString usage = tr("write uniform, zipf:S (such as zipf:0.99) or hot:X:Y (X%% of the "
                             "keys get Y%% of the requests, such as hot:10:90)");
    bool ok = true;
    if (parts.size() == 1 && parts[0] == u"uniform") {
        d.kind = Kind::Uniform;
    } else if (parts.size() == 2 && parts[0] == u"zipf") {
        d.kind = Kind::Zipf;
        d.exponent = parts[1].toDouble(&ok);
        if (!ok || !(d.exponent > 0 && d.exponent <= 10))
            return tr("\"%1\": the Zipf exponent must be a number above 0 (such as 0.99)")
                .arg(text);
    } else if (parts.size() == 3 && parts[0] == u"hot") {
        bool ok2 = true;
        d.kind = Kind::HotSet;
        d.hotKeys = parts[1].toDouble(&ok) / 100.0;
        d.hotRequests = parts[2].toDouble(&ok2) / 100.0;
        if (!ok || !ok2 || !(d.hotKeys > 0 && d.hotKeys < 1) ||
            !(d.hotRequests >= 0 && d.hotRequests <= 1))
            return tr("\"%1\": hot:X:Y needs 0 < X < 100 and 0 <= Y <= 100").arg(text);
    } else {
        return tr("\"%1\" is not a key distribution: %2").arg(text, usage);
    }
    return d;
}

QString KeyDistribution::toString() const
{
    switch (kind) {
    case Kind::Uniform:
        return QStringLiteral("uniform");
    case Kind::Zipf:
        return QStringLiteral("zipf:%1").arg(exponent);
    case Kind::HotSet:
        return QStringLiteral("hot:%1:%2").arg(hotKeys * 100).arg(hotRequests * 100);
    }
    return {};
}

KeyChooser::KeyChooser(const KeyDistribution &distribution, int keys)
    : m_distribution(distribution)
    , m_keys(std::max(1, keys))
    , m_hot(std::clamp(int(std::lround(distribution.hotKeys * m_keys)), 1, m_keys))
{
    if (distribution.kind == KeyDistribution::Kind::Zipf)
        m_zipf.emplace(m_keys, distribution.exponent);
}

int KeyChooser::operator()(Random &random) const
{
    switch (m_distribution.kind) {
    case KeyDistribution::Kind::Uniform:
        return int(random.below(quint64(m_keys)));
    case KeyDistribution::Kind::Zipf:
        return (*m_zipf)(random);
    case KeyDistribution::Kind::HotSet:
        if (m_hot >= m_keys || random.uniform() < m_distribution.hotRequests)
            return int(random.below(quint64(m_hot)));
        return m_hot + int(random.below(quint64(m_keys - m_hot)));
    }
    return 0;
}

QJsonObject WorkloadSpec::toJson() const
{
    return QJsonObject{{QStringLiteral("requests"), requests},
                       {QStringLiteral("keys"), keys},
                       {QStringLiteral("dist"), distribution.toString()},
                       {QStringLiteral("write_ratio"), writeRatio},
                       {QStringLiteral("clients"), clients},
                       {QStringLiteral("rate"), rate},
                       {QStringLiteral("seed"), QString::number(seed)},
                       {QStringLiteral("crash_halfway"), crashHalfway}};
}

QJsonObject SimulationResult::toJson() const
{
    QJsonObject counters;
    for (auto it = metrics.cbegin(); it != metrics.cend(); ++it)
        counters.insert(it.key(), it.value());
    auto percentiles = [](TimeUs p50, TimeUs p95, TimeUs p99) {
        return QJsonObject{{QStringLiteral("p50"), p50},
                           {QStringLiteral("p95"), p95},
                           {QStringLiteral("p99"), p99}};
    };
    QJsonObject json{
        {QStringLiteral("pattern"), patternName(pattern)},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("metrics"), counters},
        {QStringLiteral("hit_ratio"), hitRatio},
        {QStringLiteral("latency_us"),
         QJsonObject{{QStringLiteral("read"), percentiles(readP50, readP95, readP99)},
                     {QStringLiteral("write"), percentiles(writeP50, writeP95, writeP99)}}},
        {QStringLiteral("virtual_time_us"), virtualTime},
        {QStringLiteral("wall_seconds"), wallSeconds},
        {QStringLiteral("ops_per_second"), opsPerSecond},
    };
    if (cancelled)
        json.insert(QStringLiteral("partial"), true);
    return json;
}

WorkloadDriver::WorkloadDriver(Lab &lab, WorkloadSpec workload)
    : m_lab(lab)
    , m_spec(std::move(workload))
    , m_keys(m_spec.distribution, m_spec.keys)
    , m_random(m_spec.seed)
{
    m_keyNames.reserve(std::size_t(std::max(1, m_spec.keys)));
    for (int i = 1; i <= std::max(1, m_spec.keys); ++i)
        m_keyNames.push_back(Lab::seedKey(i));
}

void WorkloadDriver::start()
{
    m_running = true;
    m_lab.scheduler().spawn(run());
}

TimeUs WorkloadDriver::nextGap()
{
    // Poisson arrivals: exponential gaps with mean 1/rate.
    // Clamped, so that no rate (however small) can make a gap that does not fit in TimeUs.
    const double gap = -std::log(1.0 - m_random.uniform()) / m_spec.rate * double(kSecond);
    return TimeUs(std::llround(std::clamp(gap, 0.0, double(kMaxDuration))));
}

Task<void> WorkloadDriver::run()
{
    Scheduler &scheduler = m_lab.scheduler();
    const int clients = std::min(m_spec.clients, m_lab.clients());
    const qint64 crashAt = m_spec.crashHalfway ? m_spec.requests / 2 : -1;
    TimeUs gap = nextGap();
    co_await scheduler.sleep(gap);
    while (m_issued < m_spec.requests) {
        // A request arrives now.
        if (m_issueAfterInstant && gap > 0) {
            // A named awaitable: GCC 12 miscompiles braced temporaries in co_await.
            const YieldInstant yield{&scheduler};
            while (scheduler.nextEventTime() == m_lab.now())
                co_await yield;
        }
        if (m_stopped)
            break; // stopped while waiting for this arrival: it never comes
        if (m_issued == crashAt) {
            for (int c = 0; c < m_lab.clients(); ++c)
                m_lab.crash(c);
        }
        const int client = clients > 1 ? int(m_random.below(quint64(clients))) : 0;
        const QString &key = m_keyNames[std::size_t(m_keys(m_random))];
        const bool write = m_random.uniform() < m_spec.writeRatio;
        const QByteArray value = write ? "v" + QByteArray::number(m_issued) : QByteArray();
        const Operation::Kind kind = write ? Operation::Kind::Write : Operation::Kind::Read;
        if (m_issueListener)
            m_issueListener(kind, client, key, value);
        if (++m_issued == m_spec.requests) {
            m_lab.launch(kind, client, key, value);
            break;
        }
        // The next arrival's time is known before this request starts, so that in eager mode
        // the request may run ahead until then (Scheduler::spawnAhead).
        gap = nextGap();
        const TimeUs next = m_lab.now() + gap;
        scheduler.spawnAhead(m_lab.operation(kind, client, key, value), next);
        co_await scheduler.sleep(next - m_lab.now());
    }
    m_running = false;
}

SimulationResult simulate(PatternKind pattern, const PatternOptions &options,
                          const WorkloadSpec &workload, LabConfig base, const Progress &progress,
                          bool eager)
{
    base.pattern = pattern;
    base.options = options;
    base.clients = workload.clients;
    base.tracing = false;
    base.traceCapacity = 1;
    base.seed = workload.seed;
    base.maxEvents = workload.maxEvents > 0 ? workload.maxEvents : workload.defaultMaxEvents();
    Lab lab(base);
    lab.scheduler().setEager(eager);
    WorkloadDriver driver(lab, workload);
    lab.databaseSeed(driver.keyNames());
    QElapsedTimer wall; // the run itself, not the set-up
    wall.start();
    driver.start();

    SimulationResult result;
    result.pattern = pattern;
    qint64 nextReport = 0;
    // Often enough that a cancel (Ctrl-C in the CLI) stops a long run at once.
    const qint64 reportEvery = std::clamp<qint64>(workload.requests / 100, 1, 10'000);
    lab.scheduler().runWhile([&] {
        if (progress && driver.issued() >= nextReport) {
            nextReport = driver.issued() + reportEvery;
            if (!progress(double(driver.issued()) /
                          double(std::max<qint64>(1, workload.requests)))) {
                driver.stop();
                result.cancelled = true;
                return false;
            }
        }
        return driver.running() || lab.busy();
    });

    const Metrics &m = lab.metrics();
    result.requests = driver.issued();
    if (lab.scheduler().exhausted()) {
        result.error =
            QCoreApplication::translate(
                "Workload", "the run used up its budget of %1 scheduler events after %2 of the %3 "
                            "requests, so it was stopped; --max-events raises the budget")
                .arg(lab.scheduler().eventBudget())
                .arg(result.requests)
                .arg(workload.requests);
    } else if (!result.cancelled && result.requests != workload.requests) {
        result.error =
            QCoreApplication::translate("Workload", "only %1 of the %2 requests were issued")
                .arg(result.requests)
                .arg(workload.requests);
    }
    for (int i = 0; i < kCounterCount; ++i)
        result.metrics.insert(counterName(Counter(i)), m.total(Counter(i)));
    result.hitRatio = m.hitRatio();
    result.readP50 = m.readLatency().percentile(50);
    result.readP95 = m.readLatency().percentile(95);
    result.readP99 = m.readLatency().percentile(99);
    result.writeP50 = m.writeLatency().percentile(50);
    result.writeP95 = m.writeLatency().percentile(95);
    result.writeP99 = m.writeLatency().percentile(99);
    result.virtualTime = lab.now();
    result.events = lab.scheduler().eventsRun();
    result.wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    result.opsPerSecond = result.wallSeconds > 0 ? double(result.requests) / result.wallSeconds : 0;
    return result;
}

} // namespace cachelab
