#pragma once

#include <patterns/options.h>

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cachelab::ui {

/// Sets up a lab to drive by hand: the pattern, the number of instances and the pattern's
/// options in scenario syntax ("ttl=30s single-flight=on"), checked by core as typed.
class NewLabDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit NewLabDialog(PatternKind pattern, int clients, QWidget *parent = nullptr);

    PatternKind pattern() const;
    int clients() const;
    PatternOptions options() const { return m_options; }

private:
    void validate();

    QComboBox *m_pattern;
    QSpinBox *m_clients;
    QLineEdit *m_optionsText;
    QLabel *m_help;
    QLabel *m_error;
    class QPushButton *m_ok;
    PatternOptions m_options;
};

} // namespace cachelab::ui
