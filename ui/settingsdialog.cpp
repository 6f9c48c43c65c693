#include "settingsdialog.h"

#include <database/sqldatabase.h>
#include <errors.h>
#include <store/storefactory.h>

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace cachelab::ui {

namespace {

QDoubleSpinBox *latencyBox(TimeUs value, QWidget *parent)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setRange(0.0, 10000.0);
    box->setDecimals(1);
    box->setSingleStep(1.0);
    box->setSuffix(QStringLiteral(" ms"));
    box->setValue(double(value) / kMillisecond);
    return box;
}

TimeUs micros(const QDoubleSpinBox *box)
{
    return TimeUs(std::llround(box->value() * kMillisecond));
}

} // namespace

SettingsDialog::SettingsDialog(const AppSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
{
    setWindowTitle(tr("Settings"));

    auto *backend = new QGroupBox(tr("Shared cache"), this);
    m_embedded = new QRadioButton(tr("Embedded store (virtual time, no server)"), backend);
    m_redis = new QRadioButton(tr("Redis server:"), backend);
    m_redisUrl = new QLineEdit(settings.redisUrl, backend);
    m_redisUrl->setPlaceholderText(QStringLiteral("redis://127.0.0.1:6379"));
    m_redisUrl->setAccessibleName(tr("Redis URL"));
    m_test = new QPushButton(tr("&Test"), backend);
    m_test->setToolTip(tr("Connect once and report what happened"));
    m_testResult = new QLabel(backend);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *redisRow = new QHBoxLayout;
    redisRow->addWidget(m_redis);
    redisRow->addWidget(m_redisUrl, 1);
    redisRow->addWidget(m_test);
    auto *backendLayout = new QVBoxLayout(backend);
    backendLayout->addWidget(m_embedded);
    backendLayout->addLayout(redisRow);
    backendLayout->addWidget(m_testResult);
    auto *note =
        new QLabel(tr("With a Redis server, time runs at 1× and TTLs are Redis's own."), backend);
    note->setWordWrap(true);
    backendLayout->addWidget(note);
    (settings.redisUrl.isEmpty() ? m_embedded : m_redis)->setChecked(true);

    auto *database = new QGroupBox(tr("Database"), this);
    m_memory = new QRadioButton(tr("SQLite in memory (forgotten on exit)"), database);
    m_file = new QRadioButton(tr("SQLite file:"), database);
    m_databaseFile =
        new QLineEdit(settings.databasePath.isEmpty() ? AppSettings::defaultDatabaseFile()
                                                      : settings.databasePath,
                      database);
    m_databaseFile->setAccessibleName(tr("Database file"));
    m_browse = new QPushButton(tr("&Browse…"), database);
    auto *fileRow = new QHBoxLayout;
    fileRow->addWidget(m_file);
    fileRow->addWidget(m_databaseFile, 1);
    fileRow->addWidget(m_browse);
    // Any database by URL: PostgreSQL, or SQLite with the application's own table.
    const bool isUrl =
        std::holds_alternative<DatabaseUrl>(parseDatabaseUrl(settings.databasePath)) &&
        (settings.databasePath.startsWith(u"postgres") ||
         settings.databasePath.startsWith(u"sqlite:"));
    m_byUrl = new QRadioButton(tr("Database URL:"), database);
    m_databaseUrl = new QLineEdit(isUrl ? settings.databasePath : QString(), database);
    m_databaseUrl->setPlaceholderText(tr("postgresql://user@host/database"));
    m_databaseUrl->setAccessibleName(tr("Database URL"));
    m_databaseUrl->setToolTip(
        tr("postgresql://user[:password]@host[:port]/database, or sqlite:///path/to/file; add "
           "?table=T&key=K&value=V[&version=N] to use your own table"));
    m_testDatabase = new QPushButton(tr("T&est"), database);
    m_testDatabase->setToolTip(tr("Open the database once and report what happened"));
    m_databaseResult = new QLabel(database);
    m_databaseResult->setWordWrap(true);
    m_databaseResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_byUrl);
    urlRow->addWidget(m_databaseUrl, 1);
    urlRow->addWidget(m_testDatabase);
    auto *databaseLayout = new QVBoxLayout(database);
    databaseLayout->addWidget(m_memory);
    databaseLayout->addLayout(fileRow);
    databaseLayout->addLayout(urlRow);
    databaseLayout->addWidget(m_databaseResult);
    (settings.databasePath.isEmpty() ? m_memory : isUrl ? m_byUrl : m_file)->setChecked(true);
    if (isUrl)
        m_databaseFile->setText(AppSettings::defaultDatabaseFile());

    auto *latency = new QGroupBox(tr("Modelled latency of one call (labs started by hand)"), this);
    m_cache = latencyBox(settings.latencies.cache, latency);
    m_l1 = latencyBox(settings.latencies.l1, latency);
    m_dbRead = latencyBox(settings.latencies.dbRead, latency);
    m_dbWrite = latencyBox(settings.latencies.dbWrite, latency);
    auto *form = new QFormLayout(latency);
    form->addRow(tr("Cache:"), m_cache);
    form->addRow(tr("L1 (in-process):"), m_l1);
    form->addRow(tr("Database read:"), m_dbRead);
    form->addRow(tr("Database write:"), m_dbWrite);
    auto *scenarioNote = new QLabel(tr("Scenarios set their own latencies."), latency);
    form->addRow(scenarioNote);

    auto *buttons = new QDialogButtonBox(
        QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            [this] {
                const Latencies defaults;
                m_cache->setValue(double(defaults.cache) / kMillisecond);
                m_l1->setValue(double(defaults.l1) / kMillisecond);
                m_dbRead->setValue(double(defaults.dbRead) / kMillisecond);
                m_dbWrite->setValue(double(defaults.dbWrite) / kMillisecond);
                m_embedded->setChecked(true);
                m_memory->setChecked(true);
            });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(backend);
    layout->addWidget(database);
    layout->addWidget(latency);
    layout->addWidget(buttons);

    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    connect(m_testDatabase, &QPushButton::clicked, this, &SettingsDialog::testDatabase);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Database file"), m_databaseFile->text(),
            tr("SQLite databases (*.sqlite *.db)"), nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_databaseFile->setText(path);
    });
    for (QRadioButton *radio : {m_embedded, m_redis, m_memory, m_file, m_byUrl})
        connect(radio, &QRadioButton::toggled, this, &SettingsDialog::updateEnabled);
    updateEnabled();
}

void SettingsDialog::updateEnabled()
{
    m_redisUrl->setEnabled(m_redis->isChecked());
    m_test->setEnabled(m_redis->isChecked());
    m_databaseFile->setEnabled(m_file->isChecked());
    m_browse->setEnabled(m_file->isChecked());
    m_databaseUrl->setEnabled(m_byUrl->isChecked());
    m_testDatabase->setEnabled(m_byUrl->isChecked());
}

void SettingsDialog::testDatabase()
{
    const QString url = m_databaseUrl->text().trimmed();
    if (url.isEmpty()) {
        m_databaseResult->setText(tr("Enter a URL such as postgresql://ann@localhost/shop first."));
        return;
    }
    try {
        SqlDatabase db(url);
        const int rows = int(db.rows().size());
        m_databaseResult->setText(tr("Opened %1: %n row(s).", nullptr, rows).arg(db.describe()));
    } catch (const Error &e) {
        m_databaseResult->setText(tr("Could not open: %1").arg(e.message()));
    }
}

void SettingsDialog::testConnection()
{
    StoreLocation location;
    location.url = m_redisUrl->text().trimmed();
    if (location.url.isEmpty()) {
        m_testResult->setText(tr("Enter a URL such as redis://127.0.0.1:6379 first."));
        return;
    }
    SimClock clock;
    try {
        const auto store = openCacheStore(location, clock);
        m_testResult->setText(tr("Connected: %1").arg(store->describe()));
    } catch (const Error &e) {
        m_testResult->setText(tr("Could not connect: %1").arg(e.message()));
    }
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_settings;
    s.redisUrl = m_redis->isChecked() ? m_redisUrl->text().trimmed() : QString();
    s.databasePath = m_file->isChecked()    ? m_databaseFile->text().trimmed()
                     : m_byUrl->isChecked() ? m_databaseUrl->text().trimmed()
                                            : QString();
    s.latencies.cache = micros(m_cache);
    s.latencies.l1 = micros(m_l1);
    s.latencies.dbRead = micros(m_dbRead);
    s.latencies.dbWrite = micros(m_dbWrite);
    return s;
}

} // namespace cachelab::ui
