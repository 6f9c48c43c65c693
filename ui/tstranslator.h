#pragma once

#include <QHash>
#include <QLocale>
#include <QTranslator>

namespace cachelab::ui {

/// A translator that reads a Qt Linguist catalogue (.ts) and finds a message by its source
/// text when its context does not match.
///
/// Why: core translates through small file-local helpers (`tr(text)` calling
/// `QCoreApplication::translate("Trace", text)`), so at run time a message's context is "Trace"
/// while lupdate files it under the enclosing scope ("cachelab", "cachelab::Lab"). A QTranslator
/// looks up context and source together and would miss every such message. This one tries the
/// exact context first, then the source text alone.
///
/// Plurals: messages lupdate saw as plural (`tr("%n row(s)", nullptr, n)`) have numerus forms.
/// Core's helpers pass `n` where lupdate expects a comment, so their messages arrive singular;
/// their translations may write `{Zeile|Zeilen}` and get the form that fits `n`. For English
/// (no catalogue), "(s)" in a source text with a count becomes "" or "s".
class TsTranslator final : public QTranslator
{
    Q_OBJECT

public:
    using QTranslator::QTranslator;

    /// Reads `path`; false if it cannot be read or holds no translated message.
    bool loadTs(const QString &path);
    /// No catalogue: only fixes English plurals.
    void setSourceLanguage()
    {
        m_messages.clear();
        m_bySource.clear();
        m_english = true;
    }

    bool isEmpty() const override { return false; }
    QString catalogueLanguage() const { return m_language; }
    QString translate(const char *context, const char *sourceText, const char *disambiguation,
                      int n) const override;

private:
    struct Message
    {
        QStringList forms; // one, or singular and plural
        bool numerus = false;
    };
    static QString key(const char *context, const char *source, const char *disambiguation);
    QString pick(const Message &m, int n) const;

    QHash<QString, Message> m_messages; // context \x1f source \x1f disambiguation
    QHash<QString, Message> m_bySource; // source \x1f disambiguation
    QString m_language;
    bool m_english = false;
};

} // namespace cachelab::ui
