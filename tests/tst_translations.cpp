// The catalogues as Qt loads them: compiled .qm files in the resources, read by a plain
// QTranslator, each message under the context lupdate saw it in.

#include <i18n/language.h>
#include <scenario/scenario.h>
#include <trace/traceevent.h>

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>

using namespace cachelab;
using namespace Qt::StringLiterals;

namespace {

constexpr int kTimeoutMs = 60'000;

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString batchOf(int rows)
{
    TraceEvent e;
    e.verb = Verb::Batch;
    e.number = rows;
    return describe(e);
}

struct CliRun
{
    int exitCode = -1;
    QString out;
    QString err;
};

// `locale` is LANG for the child; LC_ALL and LANGUAGE, which would win over it, are removed.
CliRun runCli(const QStringList &arguments, const QString &locale)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"LC_ALL"_s);
    env.remove(u"LC_MESSAGES"_s);
    env.remove(u"LANGUAGE"_s);
    env.insert(u"LANG"_s, locale);
    process.setProcessEnvironment(env);
    process.start(QString::fromUtf8(CACHELAB_CLI), arguments, QIODevice::ReadOnly);
    CliRun run;
    if (!process.waitForFinished(kTimeoutMs)) {
        process.kill();
        process.waitForFinished(kTimeoutMs);
        return run;
    }
    run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    return run;
}

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cataloguesAreComplete();
    void germanFromTheQm();
    void englishPluralsFromTheQm();
    void cliSpeaksTheLanguageAskedFor();
};

void TestTranslations::cataloguesAreComplete()
{
    // lupdate left nothing unfinished: every message has its German.
    const QByteArray german = readFile(QStringLiteral(CACHELAB_TS_DIR "/cachelab_de.ts"));
    QVERIFY(german.count("<message") > 500);
    QCOMPARE(german.count("type=\"unfinished\""), 0);
    QCOMPARE(german.count("<translation></translation>"), 0);
    // The English catalogue holds plural forms and nothing else, all of them filled in.
    const QByteArray english = readFile(QStringLiteral(CACHELAB_TS_DIR "/cachelab_en.ts"));
    QVERIFY(english.count("<message numerus=\"yes\">") >= 10);
    QCOMPARE(english.count("<message"), english.count("<message numerus=\"yes\">"));
    QCOMPARE(english.count("type=\"unfinished\""), 0);
    QCOMPARE(english.count("<numerusform></numerusform>"), 0);
}

void TestTranslations::germanFromTheQm()
{
    QTranslator german;
    QVERIFY(german.load(u":/i18n/cachelab_de.qm"_s));
    QVERIFY(QCoreApplication::installTranslator(&german));

    // core: a scenario parser's error, and the trace's plural in both forms.
    const auto parsed = scenario::parse(u"read k\n"_s, u"x.cls"_s);
    QVERIFY(std::holds_alternative<scenario::ParseError>(parsed));
    QCOMPARE(std::get<scenario::ParseError>(parsed).message,
             u"das Szenario hat keine pattern-Zeile (oben z. B. `pattern cache-aside` ergänzen)"_s);
    QCOMPARE(batchOf(1), u"Stapel von 1 Zeile schreiben"_s);
    QCOMPARE(batchOf(2), u"Stapel von 2 Zeilen schreiben"_s);
    // Found under its own context only: no guessing from the source text alone.
    QCOMPARE(QCoreApplication::translate("Trace", "miss"), u"Miss"_s);
    QCOMPARE(QCoreApplication::translate("cachelab", "miss"), u"miss"_s);

    // ui, as its QObjects ask (their class names are the contexts), plural included.
    QCOMPARE(QCoreApplication::translate("cachelab::ui::DiagramView", "%n message(s). Newest: %1",
                                         nullptr, 1),
             u"1 Nachricht. Neueste: %1"_s);
    QCOMPARE(QCoreApplication::translate("cachelab::ui::DiagramView", "%n message(s). Newest: %1",
                                         nullptr, 2),
             u"2 Nachrichten. Neueste: %1"_s);
    // app: the desktop main() and the CLI.
    QCOMPARE(QCoreApplication::translate("main", "Use a dark palette."),
             u"Dunkle Farben verwenden."_s);
    QCOMPARE(QCoreApplication::translate("Cli", "%1:%2: expected %3, got %4\n"),
             u"%1:%2: erwartet %3, erhalten %4\n"_s);

    // One source text, two meanings: a chart's legend under "lost writes" says just "lost";
    // the comparison's column names what was lost.
    QCOMPARE(QCoreApplication::translate("cachelab::ui::ChartsPanel", "lost writes"),
             u"verloren"_s);
    QCOMPARE(QCoreApplication::translate("cachelab::ui::ComparisonWindow", "lost writes"),
             u"verlorene Schreibvorgänge"_s);

    QVERIFY(QCoreApplication::removeTranslator(&german));
    QCOMPARE(batchOf(2), u"batch write of 2 row(s)"_s); // the source text again
}

void TestTranslations::englishPluralsFromTheQm()
{
    QTranslator english;
    QVERIFY(english.load(u":/i18n/cachelab_en.qm"_s));
    QVERIFY(QCoreApplication::installTranslator(&english));
    QCOMPARE(batchOf(1), u"batch write of 1 row"_s);
    QCOMPARE(batchOf(2), u"batch write of 2 rows"_s);
    QCOMPARE(QCoreApplication::translate("WriteBehind", "gave up after %n retries: writes lost",
                                         nullptr, 1),
             u"gave up after 1 retry: writes lost"_s);
    // Messages without a count are not in it: they read as their source text.
    QVERIFY(english.translate("Trace", "miss").isEmpty());
    QCOMPARE(QCoreApplication::translate("Trace", "miss"), u"miss"_s);
    QVERIFY(QCoreApplication::removeTranslator(&english));

    // The loader the app and the CLI share picks the same catalogue.
    QVERIFY(installLanguage(u"en"_s));
    QCOMPARE(batchOf(1), u"batch write of 1 row"_s);
    QVERIFY(installLanguage(u"de"_s));
    QCOMPARE(batchOf(1), u"Stapel von 1 Zeile schreiben"_s);
    QVERIFY(!installLanguage(u"fr"_s)); // no French: the source texts, English plurals
    QCOMPARE(batchOf(1), u"batch write of 1 row"_s);
}

void TestTranslations::cliSpeaksTheLanguageAskedFor()
{
    QTemporaryDir dir;
    const QString failing = dir.filePath(u"failing.cls"_s);
    QFile file(failing);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("pattern write-through\nwrite k v\nexpect db k = v\nexpect db k = wrong\n");
    file.close();
    const QString broken = dir.filePath(u"broken.cls"_s);
    QFile brokenFile(broken);
    QVERIFY(brokenFile.open(QIODevice::WriteOnly));
    brokenFile.write("read k\n");
    brokenFile.close();

    // --lang, and the locale when there is no --lang.
    for (const auto &[arguments, locale] :
         {std::pair{QStringList{u"--lang"_s, u"de"_s}, u"C.UTF-8"_s},
          std::pair{QStringList{}, u"de_DE.UTF-8"_s}}) {
        const CliRun run = runCli(arguments + QStringList{u"run"_s, failing}, locale);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains(failing + u":4: erwartet db k = wrong, erhalten \"v\"\n"_s),
                 qPrintable(run.out));
        QVERIFY2(run.out.contains(failing + u": 1 Erwartung erfüllt, 1 nicht erfüllt; "_s),
                 qPrintable(run.out));
        const CliRun bad = runCli(arguments + QStringList{u"run"_s, broken}, locale);
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(u"das Szenario hat keine pattern-Zeile"_s), qPrintable(bad.err));
    }
    // --lang wins over the locale; English says its plurals right.
    const CliRun english = runCli({u"run"_s, failing, u"--lang"_s, u"en"_s}, u"de_DE.UTF-8"_s);
    QCOMPARE(english.exitCode, 1);
    QVERIFY2(english.out.contains(failing + u":4: expected db k = wrong, got \"v\"\n"_s),
             qPrintable(english.out));
    QVERIFY2(english.out.contains(failing + u": 1 expectation held, 1 failed; "_s),
             qPrintable(english.out));
}

QTEST_GUILESS_MAIN(TestTranslations)
#include "tst_translations.moc"
