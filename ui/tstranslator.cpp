#include "tstranslator.h"

#include <QFile>
#include <QRegularExpression>
#include <QXmlStreamReader>

namespace cachelab::ui {

QString TsTranslator::key(const char *context, const char *source, const char *disambiguation)
{
    return QString::fromUtf8(context) + u'\x1f' + QString::fromUtf8(source) + u'\x1f' +
           QString::fromUtf8(disambiguation);
}

bool TsTranslator::loadTs(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    m_messages.clear();
    m_bySource.clear();
    m_english = false;
    QXmlStreamReader xml(&file);
    QString context;
    QString source;
    QString comment;
    Message message;
    bool unfinished = false;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == u"TS") {
                m_language = xml.attributes().value(QLatin1String("language")).toString();
            } else if (name == u"name") {
                context = xml.readElementText();
            } else if (name == u"message") {
                source.clear();
                comment.clear();
                message = Message{{}, xml.attributes().value(QLatin1String("numerus")) == u"yes"};
                unfinished = false;
            } else if (name == u"source") {
                source = xml.readElementText();
            } else if (name == u"comment") {
                comment = xml.readElementText();
            } else if (name == u"translation") {
                const auto type = xml.attributes().value(QLatin1String("type"));
                unfinished = type == u"unfinished" || type == u"obsolete" || type == u"vanished";
                if (!message.numerus)
                    message.forms.append(xml.readElementText());
            } else if (name == u"numerusform") {
                message.forms.append(xml.readElementText());
            }
        } else if (xml.isEndElement() && xml.name() == u"message") {
            const bool translated = !message.forms.isEmpty() && !message.forms.front().isEmpty();
            if (!unfinished && translated) {
                m_messages.insert(context + u'\x1f' + source + u'\x1f' + comment, message);
                m_bySource.insert(source + u'\x1f' + comment, message);
            }
        }
    }
    return !xml.hasError() && !m_messages.isEmpty();
}

QString TsTranslator::pick(const Message &m, int n) const
{
    // German and English: one form for exactly one, another for everything else.
    const int form = n == 1 ? 0 : 1;
    if (m.numerus)
        return m.forms.value(std::min<int>(form, int(m.forms.size()) - 1));
    QString text = m.forms.front();
    if (n >= 0 && text.contains(u'{')) {
        static const QRegularExpression choice(QStringLiteral("\\{([^|{}]*)\\|([^|{}]*)\\}"));
        QString out;
        qsizetype last = 0;
        for (auto it = choice.globalMatch(text); it.hasNext();) {
            const auto match = it.next();
            out += QStringView(text).mid(last, match.capturedStart() - last);
            out += match.captured(form + 1);
            last = match.capturedEnd();
        }
        text = out + QStringView(text).mid(last);
    }
    return text;
}

QString TsTranslator::translate(const char *context, const char *sourceText,
                                const char *disambiguation, int n) const
{
    if (!sourceText)
        return {};
    if (!m_english) {
        auto it = m_messages.constFind(key(context, sourceText, disambiguation));
        if (it == m_messages.cend()) {
            it = m_bySource.constFind(QString::fromUtf8(sourceText) + u'\x1f' +
                                      QString::fromUtf8(disambiguation));
            if (it == m_bySource.cend())
                return {};
        }
        return pick(*it, n);
    }
    if (n < 0)
        return {};
    const QString source = QString::fromUtf8(sourceText);
    if (!source.contains(QLatin1String("(s)")))
        return {};
    QString text = source;
    return text.replace(QLatin1String("(s)"), n == 1 ? QString() : QStringLiteral("s"));
}

} // namespace cachelab::ui
