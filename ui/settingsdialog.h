#pragma once

#include "appsettings.h"

#include <QDialog>

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace cachelab::ui {

/// Backend, database and latencies. The Test button opens the configured cache once and
/// reports what happened, in core's own words.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(const AppSettings &settings, QWidget *parent = nullptr);
    /// The settings as edited (language, theme and playback are left as they were).
    AppSettings settings() const;

private:
    void testConnection();
    void testDatabase();
    void updateEnabled();

    AppSettings m_settings;
    QRadioButton *m_embedded;
    QRadioButton *m_redis;
    QLineEdit *m_redisUrl;
    QPushButton *m_test;
    QLabel *m_testResult;
    QRadioButton *m_memory;
    QRadioButton *m_file;
    QLineEdit *m_databaseFile;
    QPushButton *m_browse;
    QRadioButton *m_byUrl;
    QLineEdit *m_databaseUrl;
    QPushButton *m_testDatabase;
    QLabel *m_databaseResult;
    QDoubleSpinBox *m_cache;
    QDoubleSpinBox *m_l1;
    QDoubleSpinBox *m_dbRead;
    QDoubleSpinBox *m_dbWrite;
};

} // namespace cachelab::ui
