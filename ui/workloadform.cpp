#include "workloadform.h"

#include "labtext.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QStackedWidget>

namespace cachelab::ui {

WorkloadForm::WorkloadForm(QWidget *parent)
    : QWidget(parent)
    , m_clientsLabel(new QLabel(this))
    , m_clients(new QSpinBox(this))
    , m_rateLabel(new QLabel(this))
    , m_rate(new QSpinBox(this))
    , m_writesLabel(new QLabel(this))
    , m_writes(new QSpinBox(this))
    , m_keysLabel(new QLabel(this))
    , m_keys(new QSpinBox(this))
    , m_distributionLabel(new QLabel(this))
    , m_distribution(new QComboBox(this))
    , m_parameters(new QStackedWidget(this))
    , m_exponentLabel(new QLabel(this))
    , m_exponent(new QDoubleSpinBox(this))
    , m_hotKeys(new QSpinBox(this))
    , m_hotMiddle(new QLabel(this))
    , m_hotRequests(new QSpinBox(this))
    , m_hotEnd(new QLabel(this))
    , m_requestsLabel(new QLabel(this))
    , m_requests(new QSpinBox(this))
    , m_seedLabel(new QLabel(this))
    , m_seed(new QSpinBox(this))
    , m_hint(new QLabel(this))
{
    m_clients->setRange(1, 4);
    m_rate->setRange(1, 1'000'000);
    m_rate->setGroupSeparatorShown(true);
    m_rate->setSingleStep(50);
    m_writes->setRange(0, 100);
    m_writes->setSuffix(QStringLiteral(" %"));
    m_keys->setRange(1, 100'000);
    m_keys->setGroupSeparatorShown(true);
    m_requests->setRange(1, 100'000'000);
    m_requests->setGroupSeparatorShown(true);
    m_requests->setSingleStep(1000);
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_exponent->setRange(0.01, 10.0);
    m_exponent->setDecimals(2);
    m_exponent->setSingleStep(0.01);
    m_hotKeys->setRange(1, 99);
    m_hotKeys->setSuffix(QStringLiteral(" %"));
    m_hotRequests->setRange(0, 100);
    m_hotRequests->setSuffix(QStringLiteral(" %"));
    for (int i = 0; i < 3; ++i)
        m_distribution->addItem(QString(), i); // KeyDistribution::Kind, named in retranslate()

    m_parameters->addWidget(new QWidget(m_parameters)); // uniform: nothing to set
    auto *zipf = new QWidget(m_parameters);
    auto *zipfRow = new QHBoxLayout(zipf);
    zipfRow->setContentsMargins(0, 0, 0, 0);
    zipfRow->addWidget(m_exponentLabel);
    zipfRow->addWidget(m_exponent);
    zipfRow->addStretch();
    m_parameters->addWidget(zipf);
    auto *hot = new QWidget(m_parameters);
    auto *hotRow = new QHBoxLayout(hot);
    hotRow->setContentsMargins(0, 0, 0, 0);
    hotRow->addWidget(m_hotKeys);
    hotRow->addWidget(m_hotMiddle);
    hotRow->addWidget(m_hotRequests);
    hotRow->addWidget(m_hotEnd);
    hotRow->addStretch();
    m_parameters->addWidget(hot);
    m_parameters->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);

    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(4);
    const auto pair = [grid](int row, int column, QLabel *label, QWidget *field) {
        label->setBuddy(field);
        grid->addWidget(label, row, column * 2);
        grid->addWidget(field, row, column * 2 + 1);
    };
    pair(0, 0, m_clientsLabel, m_clients);
    pair(0, 1, m_rateLabel, m_rate);
    pair(1, 0, m_writesLabel, m_writes);
    pair(1, 1, m_keysLabel, m_keys);
    pair(2, 0, m_requestsLabel, m_requests);
    pair(2, 1, m_seedLabel, m_seed);
    m_distributionLabel->setBuddy(m_distribution);
    grid->addWidget(m_distributionLabel, 3, 0);
    grid->addWidget(m_distribution, 3, 1, 1, 3);
    grid->addWidget(m_parameters, 4, 0, 1, 4);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(m_hint, 5, 0, 1, 4);
    grid->setColumnStretch(1, 1);
    grid->setColumnStretch(3, 1);

    connect(m_distribution, &QComboBox::currentIndexChanged, m_parameters,
            &QStackedWidget::setCurrentIndex);
    for (QSpinBox *box :
         {m_clients, m_rate, m_writes, m_keys, m_requests, m_seed, m_hotKeys, m_hotRequests})
        connect(box, &QSpinBox::valueChanged, this, [this] {
            updateHint();
            Q_EMIT changed();
        });
    connect(m_exponent, &QDoubleSpinBox::valueChanged, this, &WorkloadForm::changed);
    connect(m_distribution, &QComboBox::currentIndexChanged, this, &WorkloadForm::changed);

    // What `cachelab-cli simulate` does without flags, but a rate a person can watch.
    WorkloadSpec defaults;
    defaults.rate = 500;
    defaults.distribution.kind = KeyDistribution::Kind::Zipf;
    setSpec(defaults);
    retranslate();
}

WorkloadSpec WorkloadForm::spec() const
{
    WorkloadSpec s;
    s.clients = m_clients->value();
    s.rate = m_rate->value();
    s.writeRatio = m_writes->value() / 100.0;
    s.keys = m_keys->value();
    s.requests = m_requests->value();
    s.seed = quint64(m_seed->value());
    s.distribution.kind = KeyDistribution::Kind(m_distribution->currentData().toInt());
    s.distribution.exponent = m_exponent->value();
    s.distribution.hotKeys = m_hotKeys->value() / 100.0;
    s.distribution.hotRequests = m_hotRequests->value() / 100.0;
    return s;
}

void WorkloadForm::setSpec(const WorkloadSpec &s)
{
    m_clients->setValue(s.clients);
    m_rate->setValue(int(std::lround(s.rate)));
    m_writes->setValue(int(std::lround(s.writeRatio * 100)));
    m_keys->setValue(s.keys);
    m_requests->setValue(int(std::min<qint64>(s.requests, m_requests->maximum())));
    m_seed->setValue(int(std::min<quint64>(s.seed, quint64(m_seed->maximum()))));
    m_distribution->setCurrentIndex(m_distribution->findData(int(s.distribution.kind)));
    m_exponent->setValue(s.distribution.exponent);
    m_hotKeys->setValue(int(std::lround(s.distribution.hotKeys * 100)));
    m_hotRequests->setValue(int(std::lround(s.distribution.hotRequests * 100)));
    updateHint();
}

void WorkloadForm::setMaxClients(int clients)
{
    m_clients->setMaximum(std::max(1, clients));
}

void WorkloadForm::updateHint()
{
    const double seconds = double(m_requests->value()) / std::max(1, m_rate->value());
    m_hint->setText(tr("About %1 of virtual time; keys item:1 … item:%2.")
                        .arg(formatSpan(TimeUs(seconds * double(kSecond))))
                        .arg(m_keys->value()));
}

void WorkloadForm::retranslate()
{
    m_clientsLabel->setText(tr("Clients:"));
    m_clients->setToolTip(tr("Application instances that send requests (at most the lab's "
                             "instances, set in the Lab bar)"));
    m_rateLabel->setText(tr("Rate:"));
    m_rate->setSuffix(tr(" /s"));
    m_rate->setToolTip(tr("Requests per second of virtual time, arriving at random (Poisson)"));
    m_writesLabel->setText(tr("Writes:"));
    m_writes->setToolTip(tr("Share of requests that are writes; the rest are reads"));
    m_keysLabel->setText(tr("Keys:"));
    m_keys->setToolTip(tr("How many different keys the requests use"));
    m_requestsLabel->setText(tr("Requests:"));
    m_requests->setToolTip(tr("How many requests the workload sends in all"));
    m_seedLabel->setText(tr("Seed:"));
    m_seed->setToolTip(tr("The same seed gives the same requests"));
    m_distributionLabel->setText(tr("Keys drawn:"));
    m_distribution->setItemText(0, tr("Uniformly"));
    m_distribution->setItemText(1, tr("By Zipf's law"));
    m_distribution->setItemText(2, tr("From a hot set"));
    m_distribution->setToolTip(tr("How often each key is asked for"));
    m_exponentLabel->setText(tr("exponent s"));
    m_exponent->setToolTip(tr("The k-th most popular key gets a share proportional to 1/k^s: "
                              "the larger s, the more the top keys dominate"));
    m_hotMiddle->setText(tr("of the keys get"));
    m_hotEnd->setText(tr("of the requests"));
    updateHint();
}

void WorkloadForm::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::LanguageChange)
        retranslate();
}

} // namespace cachelab::ui
