#include "duration.h"

#include <QCoreApplication>

namespace cachelab {

std::optional<TimeUs> parseDuration(QStringView text)
{
    qsizetype digits = 0;
    while (digits < text.size() && text[digits].isDigit() && text[digits].unicode() < 128)
        ++digits;
    if (digits == 0 || digits > 18)
        return std::nullopt;
    bool ok = false;
    const qint64 n = text.left(digits).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    const QStringView unit = text.mid(digits);
    TimeUs unitUs = 0;
    if (unit == u"us")
        unitUs = 1;
    else if (unit == u"ms")
        unitUs = kMillisecond;
    else if (unit == u"s")
        unitUs = kSecond;
    else if (unit == u"m")
        unitUs = 60 * kSecond;
    else if (unit == u"h")
        unitUs = 3600 * kSecond;
    else
        return std::nullopt;
    if (n > kMaxDuration / unitUs)
        return std::nullopt;
    return n * unitUs;
}

QString durationError(QStringView text)
{
    qsizetype digits = 0;
    while (digits < text.size() && text[digits].isDigit() && text[digits].unicode() < 128)
        ++digits;
    const QStringView unit = text.mid(digits);
    const bool wellFormed = digits > 0 && (unit == u"us" || unit == u"ms" || unit == u"s" ||
                                           unit == u"m" || unit == u"h");
    if (wellFormed) {
        return QCoreApplication::translate("Duration",
                                           "\"%1\" is longer than 100 years, the longest "
                                           "duration Cache Lab accepts (876000h)")
            .arg(text);
    }
    return QCoreApplication::translate("Duration",
                                       "\"%1\" is not a duration (write an integer and a unit: "
                                       "500us, 5ms, 2s, 3m, 1h)")
        .arg(text);
}

QString formatDuration(TimeUs us)
{
    // Exact, so that an expectation's "got" never hides a microsecond: the largest unit that
    // divides the value, else milliseconds with as many decimals as needed.
    const QString sign = us < 0 ? QStringLiteral("-") : QString();
    const TimeUs v = us < 0 ? -us : us;
    if (v == 0)
        return QStringLiteral("0s");
    struct Unit
    {
        TimeUs size;
        const char *suffix;
    };
    constexpr Unit units[] = {
        {3600 * kSecond, "h"}, {60 * kSecond, "m"}, {kSecond, "s"}, {kMillisecond, "ms"}};
    for (const Unit &u : units) {
        if (v % u.size == 0)
            return sign + QString::number(v / u.size) + QLatin1String(u.suffix);
    }
    if (v < kMillisecond)
        return sign + QString::number(v) + QStringLiteral("us");
    QString fraction = QStringLiteral("%1").arg(v % kMillisecond, 3, 10, QLatin1Char('0'));
    while (fraction.endsWith(u'0'))
        fraction.chop(1);
    return sign + QString::number(v / kMillisecond) + u'.' + fraction + QStringLiteral("ms");
}

} // namespace cachelab
