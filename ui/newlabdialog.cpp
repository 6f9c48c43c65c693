#include "newlabdialog.h"

#include "patterncatalog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace cachelab::ui {

NewLabDialog::NewLabDialog(PatternKind pattern, int clients, QWidget *parent)
    : QDialog(parent)
    , m_pattern(new QComboBox(this))
    , m_clients(new QSpinBox(this))
    , m_optionsText(new QLineEdit(this))
    , m_help(new QLabel(this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("New Lab"));
    for (const PatternKind kind : kAllPatterns)
        m_pattern->addItem(patternText(kind).title, int(kind));
    m_pattern->setCurrentIndex(m_pattern->findData(int(pattern)));
    m_clients->setRange(1, 4);
    m_clients->setValue(clients);
    m_clients->setToolTip(tr("Application instances (App A, App B…): they share the cache and "
                             "the database, each has its own in-process state"));
    m_optionsText->setPlaceholderText(QStringLiteral("ttl=30s single-flight=on"));
    m_optionsText->setAccessibleName(tr("Pattern options"));
    m_help->setWordWrap(true);
    m_help->setTextFormat(Qt::RichText);
    m_error->setWordWrap(true);
    QPalette red = m_error->palette();
    red.setColor(QPalette::WindowText, QColor(0xE5, 0x39, 0x35));
    m_error->setPalette(red);

    auto *form = new QFormLayout;
    form->addRow(tr("&Pattern:"), m_pattern);
    form->addRow(tr("&Instances:"), m_clients);
    form->addRow(tr("&Options:"), m_optionsText);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_help);
    layout->addWidget(buttons);
    connect(m_pattern, &QComboBox::currentIndexChanged, this, &NewLabDialog::validate);
    connect(m_optionsText, &QLineEdit::textChanged, this, &NewLabDialog::validate);
    validate();
    resize(560, sizeHint().height());
}

PatternKind NewLabDialog::pattern() const
{
    return PatternKind(m_pattern->currentData().toInt());
}

int NewLabDialog::clients() const
{
    return m_clients->value();
}

void NewLabDialog::validate()
{
    QString help =
        QStringLiteral("<p>%1</p><table>").arg(patternText(pattern()).summary.toHtmlEscaped());
    for (const OptionInfo &option : optionsOf(pattern())) {
        help += QStringLiteral("<tr><td><b>%1</b>=%2&nbsp;</td><td>%3</td></tr>")
                    .arg(option.name, option.defaultValue.toHtmlEscaped(),
                         option.summary.toHtmlEscaped());
    }
    m_help->setText(help + QStringLiteral("</table>"));

    PatternOptions options;
    QString error = applyOptionList(options, pattern(), m_optionsText->text()).value_or(QString());
    if (error.isEmpty()) {
        if (const auto conflict = textbookConflict(options, pattern()))
            error = *conflict;
    }
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
    m_ok->setEnabled(error.isEmpty());
    if (error.isEmpty())
        m_options = options;
}

} // namespace cachelab::ui
