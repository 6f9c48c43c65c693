#include "labtext.h"

#include <QCoreApplication>
#include <QLocale>

namespace cachelab::ui {

namespace {

// Free functions have no tr() of their own; this gives them one, in a context lupdate sees.
struct LabText
{
    Q_DECLARE_TR_FUNCTIONS(LabText)
};

} // namespace

QString formatSpan(TimeUs us)
{
    const QLocale locale;
    if (us < 0)
        return LabText::tr("never");
    if (us < kSecond)
        return LabText::tr("%1 ms").arg(
            locale.toString(double(us) / kMillisecond, 'f', us < 10 * kMillisecond ? 1 : 0));
    if (us < 60 * kSecond)
        return LabText::tr("%1 s").arg(locale.toString(double(us) / kSecond, 'f', 1));
    const qint64 seconds = us / kSecond;
    if (seconds < 3600)
        return LabText::tr("%1 min %2 s")
            .arg(seconds / 60)
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return LabText::tr("%1 h %2 min")
        .arg(seconds / 3600)
        .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'));
}

QString formatClock(TimeUs us)
{
    return LabText::tr("t = %1 s").arg(QLocale().toString(double(us) / kSecond, 'f', 3));
}

QString versionText(qint64 version)
{
    return QStringLiteral("v%1").arg(version);
}

QList<Participant> participantsFor(PatternKind pattern, int clients, const PatternOptions &options)
{
    QList<Participant> out;
    const auto perClient = [&](Role role) {
        for (int c = 0; c < clients; ++c)
            out.append(Participant{role, qint8(c)});
    };
    perClient(Role::App);
    if (pattern == PatternKind::MultiLevel)
        perClient(Role::L1);
    if (pattern == PatternKind::CircuitBreaker)
        perClient(Role::Breaker);
    out.append(Participant::cache());
    if (pattern == PatternKind::WriteBehind)
        perClient(Role::Queue);
    if (pattern == PatternKind::RefreshAhead || options.swr > 0) // swr refreshes in the background
        perClient(Role::Refresher);
    if (options.cdc)
        out.append(Participant::relay());
    out.append(Participant::db());
    return out;
}

} // namespace cachelab::ui
