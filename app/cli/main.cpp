#include "clicommands.h"

#include <i18n/language.h>

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

namespace {

QString usage()
{
    return cachelab::cli::Cli::tr(
        "Usage: cachelab-cli [--lang CODE] COMMAND [options]\n"
        "\n"
        "Commands:\n"
        "  run FILE       Run a scenario (*.cls) and check its expectations.\n"
        "                 Options: --json, --mermaid OUT, --trace OUT, --db URL,\n"
        "                 --redis URL, --prefix PREFIX, --keep-cache, --keep-db,\n"
        "                 --max-events N\n"
        "  lesson FILE    Play a lesson (*.cls) as a learner would and check its tasks.\n"
        "                 Options: --answers FILE.json, --json\n"
        "\n"
        "  simulate       Run a workload through one pattern and measure it.\n"
        "                 Options: --pattern P, --option k=v, --requests N, --keys K,\n"
        "                 --dist uniform|zipf:S|hot:X:Y, --write-ratio R, --clients C,\n"
        "                 --seed S, --rate R, --crash-halfway, --json\n"
        "  compare        Run one workload through every pattern; the same workload\n"
        "                 options, --seeds N, --jobs J, and --json, --csv or --markdown.\n"
        "  sweep          Vary one setting and measure every pattern at each value.\n"
        "                 Options: --vary NAME=V1,V2,… or NAME=A..B:N[log], --pattern\n"
        "                 P|all, --seeds N, --jobs J, the workload options, and --json,\n"
        "                 --csv or --markdown.\n"
        "\n"
        "  cachelab-cli COMMAND --help   shows the options of a command.\n"
        "\n"
        "  --lang CODE    Speak CODE (en, de) instead of the locale's language.\n"
        "\n"
        "Exit status: 0 every expectation held, 1 one failed, 2 invalid input.\n");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Cache Lab"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("cachelab.example.org"));
    QCoreApplication::setApplicationName(QStringLiteral("cachelab-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CACHELAB_VERSION));

    // --lang may stand anywhere; it is taken out before the commands parse their options.
    QStringList args = app.arguments();
    QString language;
    for (qsizetype i = 1; i < args.size();) {
        if (args[i] == u"--lang" && i + 1 < args.size()) {
            language = args[i + 1];
            args.remove(i, 2);
        } else if (args[i].startsWith(u"--lang=")) {
            language = args[i].mid(7);
            args.remove(i);
        } else {
            ++i;
        }
    }
    cachelab::installLanguage(language);

    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString command = args.value(1);
    if (command.isEmpty() || command == u"--help" || command == u"-h" || command == u"help") {
        out << usage();
        return command.isEmpty() ? cachelab::cli::InvalidInput : cachelab::cli::Passed;
    }
    if (command == u"--version" || command == u"-v") {
        out << QStringLiteral("cachelab-cli %1\n").arg(QCoreApplication::applicationVersion());
        return cachelab::cli::Passed;
    }
    if (command == u"run")
        return cachelab::cli::run(args.mid(1), out, err);
    if (command == u"lesson")
        return cachelab::cli::lesson(args.mid(1), out, err);
    if (command == u"simulate")
        return cachelab::cli::simulate(args.mid(1), out, err);
    if (command == u"compare")
        return cachelab::cli::compare(args.mid(1), out, err);
    if (command == u"sweep")
        return cachelab::cli::sweep(args.mid(1), out, err);
    err << cachelab::cli::Cli::tr("cachelab-cli: unknown command \"%1\"\n\n").arg(command)
        << usage();
    return cachelab::cli::InvalidInput;
}
