#include "mainwindow.h"

#include "cachelisting.h"
#include "cachemodels.h"
#include "chartspanel.h"
#include "comparisonwindow.h"
#include "delegates.h"
#include "diagramexport.h"
#include "diagramview.h"
#include "helpdialog.h"
#include "labcontroller.h"
#include "labtext.h"
#include "measure/tradeoffswindow.h"
#include "metricschartmodel.h"
#include "newlabdialog.h"
#include "patterncatalog.h"
#include "replaycontroller.h"
#include "settingsdialog.h"
#include "statepanel.h"
#include "theme.h"
#include "workloadform.h"
#include "workloadpanel.h"
#include "workmodels.h"

#include <session/session.h>

#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QScreen>
#include <QSettings>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace cachelab::ui {

namespace {

constexpr double kSpeeds[] = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0};

QString speedText(double speed)
{
    return QStringLiteral("%1×").arg(QLocale().toString(speed, 'g', 3));
}

// The comment block a scenario file opens with, less its first line (the title).
QString scenarioIntro(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return {};
    QStringList lines;
    bool first = true;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (!line.startsWith(u'#'))
            break;
        if (!first)
            lines.append(line.mid(1).trimmed());
        first = false;
    }
    return lines.join(u' ').simplified();
}

QString html(const QString &text)
{
    return text.toHtmlEscaped();
}

// While a workload runs, the state panels are brought up to date this often (wall time).
constexpr qint64 kBusyPanelIntervalMs = 100;

// Two significant digits: a rate that reads the same from one frame to the next.
double twoDigits(double v)
{
    if (!(v > 0))
        return 0;
    const double unit = std::pow(10.0, std::floor(std::log10(v)) - 1);
    return std::round(v / unit) * unit;
}

} // namespace

MainWindow::MainWindow(const AppSettings &settings, QWidget *parent)
    : QMainWindow(parent)
    , m_settings(settings)
    , m_controller(new LabController(this))
    , m_diagram(new DiagramView(this))
    , m_cacheModel(new CacheModel(this))
    , m_databaseModel(new DatabaseModel(this))
    , m_cacheListing(new CacheListing(this))
    , m_l1Model(new L1Model(this))
    , m_writeQueueModel(new WriteQueueModel(this))
    , m_refreshQueueModel(new RefreshQueueModel(this))
    , m_breakerModel(new BreakerModel(this))
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/cachelab.svg")));
    m_baseFont = font();
    m_controller->setBaseConfig(settings.labConfig());
    m_controller->setSpeed(settings.speed);
    m_controller->setSkipQuietTime(settings.skipQuietTime);
    createActions();
    createDocks();
    createMenus();
    createToolBars();
    createReplayBar();
    createCentre();
    connectController();
    retranslate();
    updatePlaybackUi();
    resize(1280, 720);
}

MainWindow::~MainWindow() = default;

// --- building --------------------------------------------------------------------------------

void MainWindow::createActions()
{
    const auto icon = [](const char *name) {
        return QIcon(QStringLiteral(":/icons/%1.svg").arg(QLatin1String(name)));
    };
    m_openAction = new QAction(icon("open"), QString(), this);
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, &MainWindow::openScenarioDialog);
    m_newLabAction = new QAction(this);
    m_newLabAction->setShortcut(QKeySequence::New);
    connect(m_newLabAction, &QAction::triggered, this, &MainWindow::newLabDialog);
    m_restartAction = new QAction(icon("restart"), QString(), this);
    m_restartAction->setShortcut(QKeySequence::Refresh);
    connect(m_restartAction, &QAction::triggered, this, &MainWindow::restart);
    m_exportSvgAction = new QAction(this);
    connect(m_exportSvgAction, &QAction::triggered, this, &MainWindow::exportSvg);
    m_exportPngAction = new QAction(this);
    connect(m_exportPngAction, &QAction::triggered, this, &MainWindow::exportPng);
    m_exportMermaidAction = new QAction(this);
    connect(m_exportMermaidAction, &QAction::triggered, this, &MainWindow::exportMermaid);
    m_settingsAction = new QAction(this);
    m_settingsAction->setShortcut(QKeySequence::Preferences);
    m_settingsAction->setMenuRole(QAction::PreferencesRole);
    connect(m_settingsAction, &QAction::triggered, this, &MainWindow::settingsDialog);
    m_quitAction = new QAction(this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_playAction = new QAction(icon("play"), QString(), this);
    m_playAction->setShortcut(Qt::Key_Space);
    connect(m_playAction, &QAction::triggered, this,
            [this] { m_controller->setPlaying(!m_controller->playing()); });
    m_stepAction = new QAction(icon("step"), QString(), this);
    // F6, and what a presenter's clicker sends. A text field keeps "." for typing.
    m_stepAction->setShortcuts(
        {QKeySequence(Qt::Key_F6), QKeySequence(Qt::Key_PageDown), QKeySequence(Qt::Key_Period)});
    connect(m_stepAction, &QAction::triggered, m_controller, &LabController::step);
    m_skipQuietAction = new QAction(this);
    m_skipQuietAction->setCheckable(true);
    m_skipQuietAction->setChecked(m_controller->skipQuietTime());
    connect(m_skipQuietAction, &QAction::toggled, this, [this](bool on) {
        m_controller->setSkipQuietTime(on);
        m_settings.skipQuietTime = on;
    });

    m_zoomInAction = new QAction(icon("zoom-in"), QString(), this);
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);
    connect(m_zoomInAction, &QAction::triggered, m_diagram, &DiagramView::zoomIn);
    m_zoomOutAction = new QAction(icon("zoom-out"), QString(), this);
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOutAction, &QAction::triggered, m_diagram, &DiagramView::zoomOut);
    m_zoomResetAction = new QAction(this);
    m_zoomResetAction->setShortcut(Qt::CTRL | Qt::Key_0);
    connect(m_zoomResetAction, &QAction::triggered, this, [this] { m_diagram->setZoom(1.0); });
    m_followAction = new QAction(icon("follow"), QString(), this);
    m_followAction->setCheckable(true);
    m_followAction->setChecked(true);
    m_followAction->setShortcut(Qt::Key_End);
    connect(m_followAction, &QAction::toggled, m_diagram, &DiagramView::setFollow);
    connect(m_diagram, &DiagramView::followChanged, m_followAction, &QAction::setChecked);
    m_darkAction = new QAction(this);
    m_darkAction->setCheckable(true);
    m_darkAction->setChecked(m_settings.dark);
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDark);

    auto *languages = new QActionGroup(this);
    // Language names are written in their own language, never translated.
    m_englishAction = new QAction(QStringLiteral("English"), languages);
    m_englishAction->setData(QStringLiteral("en"));
    m_germanAction = new QAction(QStringLiteral("Deutsch"), languages);
    m_germanAction->setData(QStringLiteral("de"));
    for (QAction *a : languages->actions()) {
        a->setCheckable(true);
        connect(a, &QAction::triggered, this, [this, a] { setLanguage(a->data().toString()); });
    }
    const bool german = QLocale().language() == QLocale::German;
    (german ? m_germanAction : m_englishAction)->setChecked(true);

    m_helpAction = new QAction(this);
    m_helpAction->setShortcut(QKeySequence::HelpContents);
    connect(m_helpAction, &QAction::triggered, this, [this] { showHelp(); });
    m_aboutAction = new QAction(this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Cache Lab"),
                           tr("<h3>Cache Lab %1</h3><p>Watch caching patterns behave: every arrow "
                              "on the diagram is a call that really happened, in virtual time.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    });

    m_readAction = new QAction(this);
    connect(m_readAction, &QAction::triggered, this,
            [this] { runOperation(Operation::Kind::Read); });
    m_writeAction = new QAction(this);
    connect(m_writeAction, &QAction::triggered, this,
            [this] { runOperation(Operation::Kind::Write); });
    m_deleteAction = new QAction(this);
    connect(m_deleteAction, &QAction::triggered, this,
            [this] { runOperation(Operation::Kind::Delete); });
    m_invalidateAction = new QAction(this);
    connect(m_invalidateAction, &QAction::triggered, this,
            [this] { runOperation(Operation::Kind::Invalidate); });
    m_cacheDownAction = new QAction(this);
    m_cacheDownAction->setCheckable(true);
    connect(m_cacheDownAction, &QAction::triggered, m_controller, &LabController::setCacheFailing);
    m_dbDownAction = new QAction(this);
    m_dbDownAction->setCheckable(true);
    connect(m_dbDownAction, &QAction::triggered, m_controller, &LabController::setDatabaseFailing);
    m_burstAction = new QAction(this);
    connect(m_burstAction, &QAction::triggered, this, &MainWindow::burst);
    m_dbPutAction = new QAction(this);
    connect(m_dbPutAction, &QAction::triggered, this, &MainWindow::changeDatabase);
    m_clearAction = new QAction(this);
    m_clearAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_L); // Ctrl+L: the lessons
    connect(m_clearAction, &QAction::triggered, this, [this] {
        const Lab *lab = m_controller->lab();
        if (lab)
            m_diagram->reset(
                participantsFor(lab->config().pattern, lab->clients(), lab->config().options),
                lab->clients());
        m_diagram->setTime(m_controller->now());
    });
    m_fullScreenAction = new QAction(this);
    // F11 everywhere, plus the platform's own full-screen key where it has another one.
    m_fullScreenAction->setShortcuts(
        {QKeySequence(Qt::Key_F11), QKeySequence(QKeySequence::FullScreen)});
    m_fullScreenAction->setCheckable(true);
    connect(m_fullScreenAction, &QAction::toggled, this,
            [this](bool on) { setWindowState(windowState().setFlag(Qt::WindowFullScreen, on)); });
    m_applyLabAction = new QAction(this);
    connect(m_applyLabAction, &QAction::triggered, this, &MainWindow::applyLabBar);
    m_crashAction = new QAction(this);
    connect(m_crashAction, &QAction::triggered, this,
            [this] { m_controller->crash(std::max(0, m_client->currentIndex())); });

    m_saveSessionAction = new QAction(this);
    m_saveSessionAction->setShortcut(QKeySequence::Save);
    connect(m_saveSessionAction, &QAction::triggered, this, &MainWindow::saveSessionDialog);
    m_openSessionAction = new QAction(this);
    m_openSessionAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_O);
    connect(m_openSessionAction, &QAction::triggered, this, &MainWindow::openSessionDialog);
    m_compareAction = new QAction(this);
    m_compareAction->setShortcut(Qt::CTRL | Qt::Key_K);
    connect(m_compareAction, &QAction::triggered, this, [this] { showComparison(); });
    m_tradeoffsAction = new QAction(this);
    m_tradeoffsAction->setShortcut(Qt::CTRL | Qt::SHIFT | Qt::Key_K);
    connect(m_tradeoffsAction, &QAction::triggered, this, [this] { showTradeoffs(); });
    m_saveChartsAction = new QAction(this);
    m_replayPlayAction = new QAction(icon("play"), QString(), this);
    m_replayPlayAction->setShortcut(Qt::Key_Space);
    m_replayPlayAction->setEnabled(false);
    connect(m_replayPlayAction, &QAction::triggered, this, [this] {
        if (m_replay)
            m_replay->setPlaying(!m_replay->playing());
    });
    m_leaveReplayAction = new QAction(icon("restart"), QString(), this);
    m_leaveReplayAction->setShortcut(Qt::Key_Escape);
    m_leaveReplayAction->setEnabled(false);
    connect(m_leaveReplayAction, &QAction::triggered, this, &MainWindow::leaveReplay);
}

void MainWindow::createDocks()
{
    m_chartModel = new MetricsChartModel(this);
    m_chartsPanel = new ChartsPanel(m_chartModel, this);
    m_chartsDock = new QDockWidget(this);
    m_chartsDock->setObjectName(QStringLiteral("charts"));
    m_chartsDock->setWidget(m_chartsPanel);
    m_workloadPanel = new WorkloadPanel(m_controller, this);
    m_workloadDock = new QDockWidget(this);
    m_workloadDock->setObjectName(QStringLiteral("workload"));
    m_workloadDock->setWidget(m_workloadPanel);
    // A column on the right, the workload above its charts: the diagram and the state panels
    // keep the window's full height (at 1280×720 they need it; width they can spare).
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
    addDockWidget(Qt::RightDockWidgetArea, m_workloadDock);
    splitDockWidget(m_workloadDock, m_chartsDock, Qt::Vertical);
    resizeDocks({m_workloadDock, m_chartsDock}, {440, 440}, Qt::Horizontal);
    m_workloadDock->hide();
    m_chartsDock->hide();
    connect(m_saveChartsAction, &QAction::triggered, m_chartsPanel, [this] {
        m_chartsDock->show();
        m_chartsPanel->saveAllDialog();
    });
    connect(m_workloadPanel, &WorkloadPanel::message, this,
            [this](const QString &text) { statusBar()->showMessage(text); });
}

void MainWindow::createReplayBar()
{
    m_replayBar = new QToolBar(this);
    m_replayBar->setObjectName(QStringLiteral("replay"));
    m_replayBar->setMovable(false);
    m_replayBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_replayTitle = new QLabel(m_replayBar);
    QFont bold = m_replayTitle->font();
    bold.setBold(true);
    m_replayTitle->setFont(bold);
    m_replayBar->addWidget(m_replayTitle);
    m_replayBar->addAction(m_replayPlayAction);
    m_replaySlider = new QSlider(Qt::Horizontal, m_replayBar);
    m_replaySlider->setMinimumWidth(240);
    m_replaySlider->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_replayBar->addWidget(m_replaySlider);
    m_replayClock = new QLabel(m_replayBar);
    QFont mono = m_replayClock->font();
    mono.setBold(true);
    m_replayClock->setFont(mono);
    m_replayBar->addWidget(m_replayClock);
    m_replaySpeedLabel = new QLabel(m_replayBar);
    m_replaySpeed = new QComboBox(m_replayBar);
    for (const double speed : kSpeeds)
        m_replaySpeed->addItem(speedText(speed), speed);
    m_replaySpeedLabel->setBuddy(m_replaySpeed);
    m_replayBar->addWidget(m_replaySpeedLabel);
    m_replayBar->addWidget(m_replaySpeed);
    m_replayBar->addSeparator();
    m_replayBar->addAction(m_leaveReplayAction);
    addToolBar(Qt::TopToolBarArea, m_replayBar);
    m_replayBar->hide();
    m_replayNote = new QLabel(m_replayBar);
    m_replayNote->setStyleSheet(QStringLiteral("color: %1").arg(errorColor().name()));
    m_replayBar->insertWidget(m_replayPlayAction, m_replayNote);

    // Dragging the slider asks for many positions; a seek back replays from the start, so
    // only the newest one asked for is done, once the event loop is free again.
    connect(m_replaySlider, &QSlider::valueChanged, this, [this](int ms) {
        if (!m_replay)
            return;
        const bool pending = m_replayTarget >= 0;
        m_replayTarget = TimeUs(ms) * kMillisecond;
        if (!pending) {
            QMetaObject::invokeMethod(
                this,
                [this] {
                    const TimeUs t = m_replayTarget;
                    m_replayTarget = -1;
                    if (m_replay && t >= 0)
                        m_replay->seek(t);
                },
                Qt::QueuedConnection);
        }
    });
    connect(m_replaySpeed, &QComboBox::activated, this, [this](int index) {
        if (m_replay)
            m_replay->setSpeed(m_replaySpeed->itemData(index).toDouble());
    });
}

void MainWindow::createMenus()
{
    m_fileMenu = menuBar()->addMenu(QString());
    m_fileMenu->addAction(m_newLabAction);
    m_fileMenu->addAction(m_openAction);
    m_demoMenu = m_fileMenu->addMenu(QString());
    QDir demos(QStringLiteral(":/scenarios"));
    for (const QString &name :
         demos.entryList({QStringLiteral("*.cls")}, QDir::Files, QDir::Name)) {
        const QString path = demos.filePath(name);
        QFile file(path);
        QString title = name;
        if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            const QString first = QString::fromUtf8(file.readLine()).trimmed();
            if (first.startsWith(u'#'))
                title = first.mid(1).trimmed();
        }
        // Demo titles are the files' own words (English, as written by the teacher).
        QAction *a = m_demoMenu->addAction(title);
        connect(a, &QAction::triggered, this, [this, path] { openDemo(path); });
    }
    m_fileMenu->addAction(m_restartAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_openSessionAction);
    m_fileMenu->addAction(m_saveSessionAction);
    m_fileMenu->addSeparator();
    m_exportMenu = m_fileMenu->addMenu(QString());
    m_exportMenu->addAction(m_exportSvgAction);
    m_exportMenu->addAction(m_exportPngAction);
    m_exportMenu->addAction(m_exportMermaidAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_settingsAction);
    m_fileMenu->addSeparator();
    m_fileMenu->addAction(m_quitAction);

    m_playMenu = menuBar()->addMenu(QString());
    m_playMenu->addAction(m_playAction);
    m_playMenu->addAction(m_stepAction);
    m_playMenu->addAction(m_restartAction);
    m_playMenu->addAction(m_clearAction);
    m_playMenu->addSeparator();
    m_playMenu->addAction(m_skipQuietAction);

    m_viewMenu = menuBar()->addMenu(QString());
    m_viewMenu->addAction(m_zoomInAction);
    m_viewMenu->addAction(m_zoomOutAction);
    m_viewMenu->addAction(m_zoomResetAction);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_followAction);
    m_viewMenu->addAction(m_fullScreenAction);
    m_viewMenu->addAction(m_darkAction);

    m_measureMenu = menuBar()->addMenu(QString());
    m_measureMenu->addAction(m_workloadDock->toggleViewAction());
    m_measureMenu->addAction(m_chartsDock->toggleViewAction());
    m_measureMenu->addAction(m_saveChartsAction);
    m_measureMenu->addSeparator();
    m_measureMenu->addAction(m_compareAction);
    m_measureMenu->addAction(m_tradeoffsAction);

    m_languageMenu = menuBar()->addMenu(QString());
    m_languageMenu->addAction(m_englishAction);
    m_languageMenu->addAction(m_germanAction);

    m_helpMenu = menuBar()->addMenu(QString());
    m_helpMenu->addAction(m_helpAction);
    m_helpMenu->addAction(m_aboutAction);
}

void MainWindow::createToolBars()
{
    m_playbackBar = addToolBar(QString());
    m_playbackBar->setObjectName(QStringLiteral("playback"));
    m_playbackBar->setMovable(false);
    m_playbackBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_playbackBar->addAction(m_playAction);
    m_playbackBar->addAction(m_stepAction);
    m_playbackBar->addAction(m_restartAction);
    m_playbackBar->addSeparator();
    m_speedLabel = new QLabel(m_playbackBar);
    m_speed = new QComboBox(m_playbackBar);
    for (const double s : kSpeeds)
        m_speed->addItem(speedText(s), s);
    m_speedLabel->setBuddy(m_speed);
    connect(m_speed, &QComboBox::activated, this, [this](int index) {
        m_controller->setSpeed(m_speed->itemData(index).toDouble());
        m_settings.speed = m_controller->speed();
    });
    m_playbackBar->addWidget(m_speedLabel);
    m_playbackBar->addWidget(m_speed);
    m_playbackBar->addSeparator();
    m_clock = new QLabel(m_playbackBar);
    m_clock->setObjectName(QStringLiteral("clock"));
    QFont mono = m_clock->font();
    mono.setBold(true);
    mono.setPointSizeF(mono.pointSizeF() * 1.2);
    m_clock->setFont(mono);
    m_clock->setMinimumWidth(
        QFontMetrics(mono).horizontalAdvance(QStringLiteral("t = 00000.000 s")));
    m_playbackBar->addWidget(m_clock);
    m_progress = new QLabel(m_playbackBar);
    m_playbackBar->addWidget(m_progress);
    auto *spacer = new QWidget(m_playbackBar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_playbackBar->addWidget(spacer);
    m_playbackBar->addAction(m_followAction);
    m_playbackBar->addAction(m_zoomOutAction);
    m_playbackBar->addAction(m_zoomInAction);

    addToolBarBreak();
    m_labBar = addToolBar(QString());
    m_labBar->setObjectName(QStringLiteral("lab"));
    m_labBar->setMovable(false);
    m_patternLabel = new QLabel(m_labBar);
    m_pattern = new QComboBox(m_labBar);
    for (const PatternKind kind : kAllPatterns)
        m_pattern->addItem(QString(), int(kind));
    m_patternLabel->setBuddy(m_pattern);
    m_instancesLabel = new QLabel(m_labBar);
    m_instances = new QSpinBox(m_labBar);
    m_instances->setRange(1, 4);
    m_instancesLabel->setBuddy(m_instances);
    m_optionsLabel = new QLabel(m_labBar);
    m_options = new QLineEdit(m_labBar);
    m_options->setObjectName(QStringLiteral("labOptions"));
    // The hint shows the defaults, so that it never contradicts what an empty field means.
    m_options->setPlaceholderText(
        QStringLiteral("ttl=%1 single-flight=%2")
            .arg(optionValue(PatternOptions{}, QStringLiteral("ttl")),
                 optionValue(PatternOptions{}, QStringLiteral("single-flight"))));
    m_options->setClearButtonEnabled(true);
    m_optionsLabel->setBuddy(m_options);
    m_labBar->addWidget(m_patternLabel);
    m_labBar->addWidget(m_pattern);
    m_labBar->addWidget(m_instancesLabel);
    m_labBar->addWidget(m_instances);
    m_labBar->addWidget(m_optionsLabel);
    m_labBar->addWidget(m_options);
    m_labBar->addAction(m_applyLabAction);
    // Picking a pattern or a number of instances starts a lab at once; options on Enter.
    connect(m_pattern, &QComboBox::activated, this, &MainWindow::applyLabBar);
    connect(m_instances, &QSpinBox::editingFinished, this, &MainWindow::applyLabBar);
    connect(m_options, &QLineEdit::returnPressed, this, &MainWindow::applyLabBar);

    m_tryBar = new QToolBar(this);
    m_tryBar->setObjectName(QStringLiteral("operations"));
    m_tryBar->setMovable(false);
    addToolBar(Qt::BottomToolBarArea, m_tryBar);
    m_client = new QComboBox(m_tryBar);
    m_key = new QComboBox(m_tryBar);
    m_key->setObjectName(QStringLiteral("operationKey"));
    m_key->setEditable(true);
    m_key->setInsertPolicy(QComboBox::NoInsert);
    m_key->addItems({QStringLiteral("user:1"), QStringLiteral("user:2"), QStringLiteral("user:404"),
                     QStringLiteral("product:42"), QStringLiteral("item:1"),
                     QStringLiteral("order:1")});
    m_key->setMinimumContentsLength(10);
    m_value = new QLineEdit(QStringLiteral("Ann"), m_tryBar);
    m_value->setMaximumWidth(150);
    m_keyLabel = new QLabel(m_tryBar);
    m_keyLabel->setBuddy(m_key);
    m_valueLabel = new QLabel(m_tryBar);
    m_valueLabel->setBuddy(m_value);
    m_tryBar->addWidget(m_client);
    m_tryBar->addWidget(m_keyLabel);
    m_tryBar->addWidget(m_key);
    m_tryBar->addWidget(m_valueLabel);
    m_tryBar->addWidget(m_value);
    m_tryBar->addAction(m_readAction);
    m_tryBar->addAction(m_writeAction);
    m_tryBar->addAction(m_deleteAction);
    m_tryBar->addAction(m_invalidateAction);
    m_burstCount = new QSpinBox(m_tryBar);
    m_burstCount->setRange(2, 100);
    m_burstCount->setValue(10);
    m_tryBar->addAction(m_burstAction);
    m_tryBar->addWidget(m_burstCount);
    m_tryBar->addSeparator();
    m_tryBar->addAction(m_dbPutAction);
    m_tryBar->addAction(m_cacheDownAction);
    m_tryBar->addAction(m_dbDownAction);
    m_tryBar->addAction(m_crashAction);
    connect(m_key->lineEdit(), &QLineEdit::returnPressed, m_readAction, &QAction::trigger);
    connect(m_value, &QLineEdit::returnPressed, m_writeAction, &QAction::trigger);
}

void MainWindow::createCentre()
{
    m_narration = new QTextBrowser(this);
    m_narration->setOpenLinks(false);
    QFont story = m_narration->font();
    story.setPointSizeF(story.pointSizeF() * 1.15);
    m_narration->setFont(story);
    m_details = new QTextBrowser(this);
    m_details->setFont(story);
    m_sideTabs = new QTabWidget(this);
    m_sideTabs->addTab(m_narration, QString());
    m_sideTabs->addTab(m_details, QString());

    m_cachePanel = new StatePanel(m_cacheModel, this);
    m_databasePanel = new StatePanel(m_databaseModel, this);
    m_l1Panel = new StatePanel(m_l1Model, this);
    m_queuePanel = new StatePanel(m_writeQueueModel, this);
    m_flushGauge = new FlushGauge(m_writeQueueModel, m_queuePanel);
    m_queuePanel->setGauge(m_flushGauge);
    m_refreshPanel = new StatePanel(m_refreshQueueModel, this);
    m_breakerPanel = new StatePanel(m_breakerModel, this);
    m_breakerPanel->view()->setItemDelegateForColumn(BreakerModel::State,
                                                     new BreakerDelegate(m_breakerPanel->view()));
    m_breakerPanel->view()->verticalHeader()->setDefaultSectionSize(
        m_breakerPanel->view()->fontMetrics().height() + 14);

    auto *side = new QSplitter(Qt::Vertical, this);
    side->addWidget(m_sideTabs);
    for (StatePanel *panel :
         {m_l1Panel, m_breakerPanel, m_cachePanel, m_queuePanel, m_refreshPanel, m_databasePanel})
        side->addWidget(panel);
    side->setChildrenCollapsible(false);
    side->setStretchFactor(0, 3);
    for (int i = 1; i < side->count(); ++i)
        side->setStretchFactor(i, 2);

    auto *centre = new QSplitter(Qt::Horizontal, this);
    centre->addWidget(m_diagram);
    centre->addWidget(side);
    centre->setStretchFactor(0, 3);
    centre->setStretchFactor(1, 2);
    centre->setSizes({820, 460});
    setCentralWidget(centre);

    connect(m_diagram, &DiagramView::messageActivated, this, &MainWindow::showMessageDetails);
    connect(m_diagram, &DiagramView::zoomChanged, this, &MainWindow::applyZoom);
}

void MainWindow::connectController()
{
    connect(m_controller, &LabController::labReset, this, &MainWindow::onLabReset);
    connect(m_controller, &LabController::traceEvent, this, &MainWindow::onTraceEvent);
    connect(m_controller, &LabController::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_cacheListing, &CacheListing::listed, this, [this] {
        if (Lab *lab = shownLab()) {
            m_cacheModel->refresh(*lab, m_cacheListing->entries());
            m_databaseModel->refresh(*lab, m_cacheListing->entries());
        }
    });
    m_panelTimer.setSingleShot(true);
    connect(&m_panelTimer, &QTimer::timeout, this, [this] {
        if (m_replay)
            return;
        m_panelClock.restart();
        refreshPanels();
        for (StateTableModel *model : std::initializer_list<StateTableModel *>{
                 m_cacheModel, m_l1Model, m_writeQueueModel, m_refreshQueueModel, m_breakerModel})
            model->setNow(m_controller->now());
    });
    connect(m_controller, &LabController::workloadChanged, this, [this] {
        if (!m_replay)
            refreshPanels(); // the last word of a workload, unthrottled
    });
    connect(m_controller, &LabController::timeAdvanced, this, &MainWindow::onTimeAdvanced);
    connect(m_controller, &LabController::commandStarted, this, &MainWindow::onCommandStarted);
    connect(m_controller, &LabController::expectationChecked, this, &MainWindow::onExpectation);
    connect(m_controller, &LabController::operationFinished, this,
            &MainWindow::onOperationFinished);
    connect(m_controller, &LabController::playingChanged, this, &MainWindow::updatePlaybackUi);
    connect(m_controller, &LabController::speedChanged, this, &MainWindow::updatePlaybackUi);
    connect(m_controller, &LabController::scenarioEnded, this, [this](bool allHeld) {
        statusBar()->showMessage(
            allHeld ? tr("The scenario is over: every expectation held.")
                    : tr("The scenario is over: %n expectation(s) failed.", nullptr, m_failed));
        updateNarration();
    });
    connect(m_controller, &LabController::quietTimeSkipped, this, [this](qint64 from, qint64 to) {
        statusBar()->showMessage(
            tr("Skipped %1 in which nothing happened").arg(formatSpan(to - from)), 3000);
    });
    connect(m_controller, &LabController::fatal, this,
            [this](const QString &message) { statusBar()->showMessage(message); });
}

void MainWindow::retranslate()
{
    m_fileMenu->setTitle(tr("&File"));
    m_demoMenu->setTitle(tr("&Demos"));
    m_exportMenu->setTitle(tr("&Export Diagram"));
    m_playMenu->setTitle(tr("&Playback"));
    m_viewMenu->setTitle(tr("&View"));
    m_languageMenu->setTitle(tr("&Language"));
    m_helpMenu->setTitle(tr("&Help"));
    m_playbackBar->setWindowTitle(tr("Playback"));
    m_tryBar->setWindowTitle(tr("Try it"));

    m_openAction->setText(tr("&Open Scenario…"));
    m_openAction->setToolTip(tr("Open a scenario file (*.cls) and play it"));
    m_newLabAction->setText(tr("&New Lab…"));
    m_newLabAction->setToolTip(tr("Pick a pattern and its options, and drive it by hand"));
    m_restartAction->setText(tr("&Restart"));
    m_restartAction->setToolTip(tr("Start the same scenario or lab again from the beginning (F5)"));
    m_exportSvgAction->setText(tr("As &SVG…"));
    m_exportPngAction->setText(tr("As &PNG…"));
    m_exportMermaidAction->setText(tr("As &Mermaid Text…"));
    m_settingsAction->setText(tr("&Settings…"));
    m_quitAction->setText(tr("&Quit"));
    m_stepAction->setText(tr("&Step"));
    m_stepAction->setToolTip(tr("Run to the next message sent or arriving (F6, Page Down or .)"));
    m_skipQuietAction->setText(tr("Skip &Quiet Time"));
    m_skipQuietAction->setToolTip(
        tr("Jump over stretches of virtual time in which no message travels"));
    m_zoomInAction->setText(tr("Zoom &In"));
    m_zoomInAction->setToolTip(tr("Make the diagram bigger (Ctrl++)"));
    m_zoomOutAction->setText(tr("Zoom &Out"));
    m_zoomOutAction->setToolTip(tr("Make the diagram smaller (Ctrl+-)"));
    m_zoomResetAction->setText(tr("&Actual Size"));
    m_followAction->setText(tr("&Follow"));
    m_followAction->setToolTip(tr("Keep the newest message in view"));
    m_darkAction->setText(tr("&Dark Palette"));
    m_helpAction->setText(tr("Cache Lab &Help"));
    m_helpAction->setToolTip(tr("First steps, how to read the diagram, and every shortcut (F1)"));
    m_aboutAction->setText(tr("&About Cache Lab"));

    m_labBar->setWindowTitle(tr("Lab"));
    m_patternLabel->setText(tr("Pattern:"));
    for (int i = 0; i < m_pattern->count(); ++i)
        m_pattern->setItemText(i, patternText(PatternKind(m_pattern->itemData(i).toInt())).title);
    m_pattern->setToolTip(tr("Pick a pattern: a new lab starts at once"));
    m_instancesLabel->setText(tr(" Instances:"));
    m_instances->setToolTip(tr("Application instances (App A, App B…): they share the cache and "
                               "the database, each has its own in-process state"));
    m_optionsLabel->setText(tr(" Options:"));
    m_options->setAccessibleName(tr("Pattern options"));
    m_options->setToolTip(tr("The pattern's options, as a scenario writes them; Enter applies"));
    m_applyLabAction->setText(tr("Start Lab"));
    m_applyLabAction->setToolTip(
        tr("Start a new lab with this pattern, these instances and options"));
    m_burstAction->setText(tr("Burst"));
    m_burstAction->setToolTip(tr("Start this many concurrent reads of the key in one instance"));
    m_burstCount->setAccessibleName(tr("Concurrent reads"));
    m_dbPutAction->setText(tr("Change DB"));
    m_dbPutAction->setToolTip(tr("Another system writes the value straight into the database, "
                                 "behind the application's back"));
    m_clearAction->setText(tr("C&lear Diagram"));
    m_clearAction->setToolTip(tr("Remove the messages drawn so far; the lab goes on"));
    m_fullScreenAction->setText(tr("F&ull Screen"));
    m_speedLabel->setText(tr("Speed:"));
    m_keyLabel->setText(tr(" Key:"));
    m_valueLabel->setText(tr(" Value:"));
    m_client->setToolTip(tr("The application instance that runs the operation"));
    m_client->setAccessibleName(tr("Instance"));
    m_key->setAccessibleName(tr("Key"));
    m_value->setAccessibleName(tr("Value"));
    m_readAction->setText(tr("Read"));
    m_readAction->setToolTip(tr("Read the key through the pattern (Enter in the key field)"));
    m_writeAction->setText(tr("Write"));
    m_writeAction->setToolTip(tr("Write the value through the pattern (Enter in the value field)"));
    m_deleteAction->setText(tr("Delete"));
    m_deleteAction->setToolTip(tr("Delete the record through the pattern"));
    m_invalidateAction->setText(tr("Invalidate"));
    m_invalidateAction->setToolTip(tr("Remove the key from the cache (and L1) only"));
    m_cacheDownAction->setText(tr("Cache Down"));
    m_cacheDownAction->setToolTip(tr("Every call to the cache fails while this is on"));
    m_dbDownAction->setText(tr("DB Down"));
    m_dbDownAction->setToolTip(tr("Every call to the database fails while this is on"));
    m_crashAction->setText(tr("Crash"));
    m_crashAction->setToolTip(tr("The instance dies and restarts: its in-process state is lost"));

    m_sideTabs->setTabText(0, tr("Story"));
    m_sideTabs->setTabText(1, tr("Message"));
    m_narration->setAccessibleName(tr("Story"));
    m_details->setAccessibleName(tr("Message details"));
    if (m_details->document()->isEmpty())
        m_details->setPlaceholderText(tr("Click a message on the diagram to see its details."));

    m_measureMenu->setTitle(tr("&Measure"));
    m_openSessionAction->setText(tr("Open Se&ssion…"));
    m_openSessionAction->setToolTip(tr("Replay a saved session with a time slider"));
    m_saveSessionAction->setText(tr("Sa&ve Session…"));
    m_saveSessionAction->setToolTip(
        tr("Save everything done to this lab so far, to replay it later (Ctrl+S)"));
    m_tradeoffsAction->setText(tr("&Trade-off Curves…"));
    m_tradeoffsAction->setToolTip(tr("Vary one setting, such as the TTL, and draw how each "
                                     "pattern's hit ratio, stale reads, load or latency move"));
    m_compareAction->setText(tr("&Compare the Patterns…"));
    m_compareAction->setToolTip(tr("Run one workload through all seven patterns and compare the "
                                   "figures with the textbook's words"));
    m_saveChartsAction->setText(tr("Save Live Charts as &PNG…"));
    m_workloadDock->setWindowTitle(tr("Workload"));
    m_workloadDock->toggleViewAction()->setText(tr("&Workload Panel"));
    m_workloadDock->toggleViewAction()->setToolTip(
        tr("Send a stream of requests to the current lab"));
    m_chartsDock->setWindowTitle(tr("Live Charts"));
    m_chartsDock->toggleViewAction()->setText(tr("Live &Charts"));
    m_chartsDock->toggleViewAction()->setToolTip(
        tr("Hit ratio, latencies, database load and anomalies against virtual time"));
    m_replayBar->setWindowTitle(tr("Replay"));
    m_replayPlayAction->setToolTip(tr("Play or pause the replay (Space)"));
    m_replaySlider->setAccessibleName(tr("Replay position"));
    m_replaySlider->setToolTip(tr("Drag to any moment of the session, forwards or back"));
    m_replaySpeedLabel->setText(tr(" Speed:"));
    m_leaveReplayAction->setText(tr("Back to the Live Lab"));
    m_leaveReplayAction->setToolTip(
        tr("Leave the replay; the live lab goes on where it was (Esc)"));
    m_chartModel->retranslate();
    updateReplayUi();

    m_cachePanel->setTitle(tr("Cache"),
                           tr("What the shared cache holds; the bar is the time left to live."));
    m_databasePanel->setTitle(
        tr("Database"), tr("The source of truth. Red rows: the cache holds another version."));
    m_l1Panel->setTitle(tr("L1 (in each instance)"), tr("Each instance's own in-memory cache."));
    m_queuePanel->setTitle(tr("Write-behind queue"),
                           tr("Writes acknowledged but not yet in the database."));
    m_refreshPanel->setTitle(tr("Refresh queue"), tr("Keys the background refresher will reload."));
    m_breakerPanel->setTitle(tr("Circuit breaker"),
                             tr("Closed: calls go to the cache. Open: they skip it. Half-open: one "
                                "trial call decides."));
    for (StateTableModel *model : std::initializer_list<StateTableModel *>{
             m_cacheModel, m_databaseModel, m_l1Model, m_writeQueueModel, m_refreshQueueModel,
             m_breakerModel})
        model->retranslate();
    updatePlaybackUi();
    updateNarration();
    updateWindowTitle();
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

HelpDialog *MainWindow::showHelp(HelpDialog::Page page)
{
    // Every action a menu or a bar offers, in menu order, lessons included.
    QList<QAction *> actions;
    const auto collect = [&actions](const QList<QAction *> &list, const auto &self) -> void {
        for (QAction *a : list) {
            if (a->menu())
                self(a->menu()->actions(), self);
            else if (!a->isSeparator() && !actions.contains(a))
                actions.append(a);
        }
    };
    collect(menuBar()->actions(), collect);
    for (QToolBar *bar : findChildren<QToolBar *>())
        collect(bar->actions(), collect);
    delete m_help; // the actions may have changed since (a lesson hub installed its own)
    m_help = new HelpDialog(actions, this);
    m_help->setAttribute(Qt::WA_DeleteOnClose, false);
    m_help->showPage(page);
    m_help->show();
    m_help->raise();
    return m_help;
}

namespace {
constexpr auto kGeometryKey = "window/geometry";
constexpr auto kStateKey = "window/state";
} // namespace

void MainWindow::showOnScreen()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QLatin1String(kGeometryKey)).toByteArray())) {
        // First start: a projector's 1280×720 (or a laptop) gets the whole screen, title bar
        // included; a larger screen a window of that size in its middle.
        const QRect available = screen()->availableGeometry();
        if (available.width() < 1440 || available.height() < 900) {
            showMaximized();
            return;
        }
        resize(1280, 800);
        move(available.center() - rect().center());
    }
    restoreState(settings.value(QLatin1String(kStateKey)).toByteArray());
    if (!m_replay)
        m_replayBar->hide(); // the bars of a replay come back with a replay only
    show();
}

bool MainWindow::confirmClose()
{
    if (!m_controller->hasUnsavedWork())
        return true;
    QMessageBox box(QMessageBox::Question, tr("Cache Lab"), tr("Save this session before closing?"),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("confirmClose"));
    box.setInformativeText(tr("What was done in this lab since it started is lost otherwise. A "
                              "saved session can be replayed step by step."));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Save:
        saveSessionDialog();
        return !m_controller->hasUnsavedWork(); // saved; a cancelled dialog keeps the window
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (!confirmClose()) {
        event->ignore();
        return;
    }
    m_settings.save();
    if (!m_replay) { // a replay's bars are not the layout to come back to
        QSettings settings;
        settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
        settings.setValue(QLatin1String(kStateKey), saveState());
    }
    event->accept();
}

// --- labs and scenarios ----------------------------------------------------------------------

std::optional<QString> MainWindow::openScenario(const QString &path)
{
    const QString previous = m_scenarioPath;
    m_scenarioPath = path;
    auto error = m_controller->loadScenario(path);
    if (error)
        m_scenarioPath = previous;
    return error;
}

std::optional<QString> MainWindow::startLab(PatternKind pattern, const PatternOptions &options,
                                            int clients)
{
    const QString previous = m_scenarioPath;
    m_scenarioPath.clear();
    auto error = m_controller->startLab(pattern, options, clients);
    if (error) {
        m_scenarioPath = previous;
        return error;
    }
    m_controller->setPlaying(true); // by hand, time just runs
    return std::nullopt;
}

std::optional<QString> MainWindow::startExampleLab()
{
    if (auto error = startLab(PatternKind::CacheAside))
        return error;
    // Rows for the keys the operations bar offers (user:404 stays missing on purpose), so a
    // first read finds something. Nothing the user did: closing has nothing to save yet.
    m_controller->databasePut(QStringLiteral("user:1"), "Ann");
    m_controller->databasePut(QStringLiteral("user:2"), "Bob");
    m_controller->markSaved();
    return std::nullopt;
}

void MainWindow::playToEnd(int untilLine)
{
    m_controller->runToEnd(untilLine);
    m_diagram->setTime(m_controller->now());
    m_diagram->setFollow(true);
    refreshPanels();
    onTimeAdvanced(m_controller->now());
}

void MainWindow::onLabReset()
{
    if (m_replay)
        leaveReplay();
    Lab *lab = m_controller->lab();
    const int clients = lab->clients();
    m_diagram->reset(participantsFor(lab->config().pattern, clients, lab->config().options),
                     clients);
    m_thinner.reset();
    m_bannerKeep = 1;
    m_diagram->setBanner(QString());
    m_chartModel->setLab(lab);
    m_toldLogFull = false;
    m_commandIndex = -1;
    m_checks.clear();
    m_held = m_failed = 0;
    m_client->clear();
    for (int c = 0; c < clients; ++c)
        m_client->addItem(participantName(Participant::app(c), std::max(clients, 2)));
    m_client->setVisible(clients > 1);
    m_cacheDownAction->setChecked(false);
    m_dbDownAction->setChecked(false);
    m_details->clear();
    syncLabBar();
    showPanelsForPattern();
    updateNarration();
    updateWindowTitle();
    updatePlaybackUi();
    m_sideTabs->setCurrentWidget(m_narration);
}

void MainWindow::showPanelsForPattern()
{
    const PatternKind pattern = shownLab()->config().pattern;
    m_l1Panel->setVisible(pattern == PatternKind::MultiLevel);
    m_queuePanel->setVisible(pattern == PatternKind::WriteBehind);
    m_chartsPanel->setQueueShown(pattern == PatternKind::WriteBehind);
    m_refreshPanel->setVisible(pattern == PatternKind::RefreshAhead);
    m_breakerPanel->setVisible(pattern == PatternKind::CircuitBreaker);
}

void MainWindow::refreshPanels()
{
    Lab *lab = shownLab();
    if (!lab)
        return;
    m_cacheListing->request(*lab); // on Redis, the panels update again when it arrives
    m_cacheModel->refresh(*lab, m_cacheListing->entries());
    m_databaseModel->refresh(*lab, m_cacheListing->entries());
    const PatternKind pattern = lab->config().pattern;
    if (pattern == PatternKind::MultiLevel)
        m_l1Model->refresh(*lab);
    if (pattern == PatternKind::WriteBehind)
        m_writeQueueModel->refresh(*lab);
    if (pattern == PatternKind::RefreshAhead)
        m_refreshQueueModel->refresh(*lab);
    if (pattern == PatternKind::CircuitBreaker)
        m_breakerModel->refresh(*lab);
    m_flushGauge->update();
    if (!m_pendingStatus.isEmpty()) {
        statusBar()->showMessage(m_pendingStatus);
        m_pendingStatus.clear();
    }
    if (!m_replay) {
        m_cacheDownAction->setChecked(lab->cacheFailing());
        m_dbDownAction->setChecked(lab->databaseFailing());
    }
}

void MainWindow::onTimeAdvanced(qint64 now)
{
    if (m_replay)
        return; // the live lab waits, paused, behind the replay
    m_chartModel->sampleIfDue();
    updateThinning();
    if (m_controller->sessionLog().full() && !m_toldLogFull) {
        m_toldLogFull = true;
        statusBar()->showMessage(
            tr("This session is long: what happens from %1 on is no longer recorded (a saved "
               "session holds at most %2 commands).")
                .arg(formatClock(m_controller->sessionLog().fullAt()))
                .arg(QLocale().toString(SessionLog::kMaxEntries)));
    }
    m_diagram->setTime(now);
    m_clock->setText(formatClock(now));
    Lab *lab = m_controller->lab();
    if (panelsThrottled())
        return; // onStateChanged() brings them up to date a few times a second
    bool expired = false;
    for (StateTableModel *model : std::initializer_list<StateTableModel *>{
             m_cacheModel, m_l1Model, m_writeQueueModel, m_refreshQueueModel, m_breakerModel})
        expired |= model->setNow(now);
    if (expired && lab)
        refreshPanels(); // an entry's TTL ran out: it is gone from the cache now
    m_flushGauge->update();
}

bool MainWindow::panelsThrottled() const
{
    // Under a workload a panel holds up to a thousand rows that change every frame: nobody
    // reads them 60 times a second, and reading the lab for them would cost the frames.
    return m_controller->workloadRunning() && m_panelClock.isValid() &&
           m_panelClock.elapsed() < kBusyPanelIntervalMs;
}

void MainWindow::onStateChanged()
{
    if (m_replay)
        return;
    if (panelsThrottled()) {
        // Not now, but soon: what the panels show is never older than the interval.
        if (!m_panelTimer.isActive())
            m_panelTimer.start(
                int(std::max<qint64>(1, kBusyPanelIntervalMs - m_panelClock.elapsed())));
        return;
    }
    if (m_controller->workloadRunning())
        m_panelClock.restart();
    refreshPanels();
}

void MainWindow::onCommandStarted(int index, const scenario::Command &command)
{
    if (!command.narration.isEmpty() || index == 0) {
        m_checks.clear(); // a new passage of the story
    }
    m_commandIndex = index;
    updatePlaybackUi();
    if (command.type != scenario::Command::Type::Expect)
        m_checks.append(QStringLiteral("<li><code>%1</code></li>").arg(html(command.text)));
    updateNarration();
}

void MainWindow::onExpectation(const scenario::Command &command, bool held, const QString &actual)
{
    (held ? m_held : m_failed)++;
    const QString mark = held ? QStringLiteral("<span style='color:#2e9e4f'>✔</span>")
                              : QStringLiteral("<span style='color:#e53935'>✘</span>");
    QString item = QStringLiteral("<li>%1 <code>%2</code>").arg(mark, html(command.text));
    if (!held)
        item += QStringLiteral(" — <span style='color:#e53935'>%1</span>")
                    .arg(html(tr("got %1").arg(actual)));
    m_checks.append(item + QStringLiteral("</li>"));
    if (!held)
        statusBar()->showMessage(
            tr("Line %1: expected %2, got %3").arg(command.line).arg(command.text, actual));
    updateNarration();
}

void MainWindow::updateNarration()
{
    if (m_replay)
        return updateReplayNarration();
    const LabController &c = *m_controller;
    if (!c.lab())
        return;
    QString text;
    if (const scenario::Scenario *s = c.scenario()) {
        text +=
            QStringLiteral("<h2>%1</h2>")
                .arg(html(s->title.isEmpty() ? QFileInfo(m_scenarioPath).fileName() : s->title));
        const int total = int(s->commands.size());
        if (m_commandIndex < 0) {
            text += QStringLiteral("<p>%1</p>").arg(html(scenarioIntro(m_scenarioPath)));
            text += QStringLiteral("<p><i>%1</i></p>")
                        .arg(html(tr("Press Play, or Step to go one message at a time.")));
        } else {
            const scenario::Command &command = s->commands[m_commandIndex];
            // The narration of this passage: the comment above its first command.
            QString narration;
            for (int i = m_commandIndex; i >= 0 && narration.isEmpty(); --i)
                narration = s->commands[i].narration;
            text += QStringLiteral("<p style='color:gray'>%1</p>")
                        .arg(html(tr("Step %1 of %2 · line %3")
                                      .arg(m_commandIndex + 1)
                                      .arg(total)
                                      .arg(command.line)));
            if (!narration.isEmpty())
                text += QStringLiteral("<p style='font-size:large'>%1</p>")
                            .arg(html(narration).replace(u'\n', u' '));
            text += QStringLiteral("<ul>%1</ul>").arg(m_checks.join(QString()));
        }
        if (c.scenarioFinished() && m_commandIndex >= 0) {
            text +=
                QStringLiteral("<p><b>%1</b></p>")
                    .arg(html(m_failed == 0
                                  ? tr("The end: all %n expectation(s) held.", nullptr, m_held)
                                  : tr("The end: %1 held, %2 failed.").arg(m_held).arg(m_failed)));
        }
    } else {
        const PatternText about = patternText(c.lab()->config().pattern);
        text = QStringLiteral("<h2>%1</h2><p style='font-size:large'>%2</p><p><b>%3</b> "
                              "%4</p><p><b>%5</b> %6</p>")
                   .arg(html(about.title), html(about.summary), html(tr("Trade-offs:")),
                        html(about.tradeOffs), html(tr("When to use it:")), html(about.whenToUse));
        text += QStringLiteral("<p><b>%1</b></p><ul>")
                    .arg(html(tr("Options (change them in the bar above):")));
        for (const OptionInfo &option : optionsOf(c.lab()->config().pattern)) {
            text += QStringLiteral("<li><code>%1=%2</code> — %3</li>")
                        .arg(html(option.name), html(option.defaultValue), html(option.summary));
        }
        text += QStringLiteral("</ul><p><i>%1</i></p>")
                    .arg(html(tr("Use the buttons at the bottom to read and write; every call "
                                 "appears on the diagram.")));
    }
    m_narration->setHtml(text);
}

void MainWindow::updatePlaybackUi()
{
    const bool playing = m_controller->playing();
    m_playAction->setText(playing ? tr("&Pause") : tr("&Play"));
    m_playAction->setIcon(
        QIcon(playing ? QStringLiteral(":/icons/pause.svg") : QStringLiteral(":/icons/play.svg")));
    m_playAction->setToolTip(playing ? tr("Pause virtual time (Space)")
                                     : tr("Let virtual time run (Space)"));
    const int index = m_speed->findData(m_controller->speed());
    if (index >= 0)
        m_speed->setCurrentIndex(index);
    m_speed->setEnabled(!m_controller->speedLocked());
    m_speed->setToolTip(
        m_controller->speedLocked()
            ? tr("Fixed at 1×: a real Redis server keeps real time, so virtual time "
                 "cannot run faster or slower than the clock on the wall.")
            : tr("Virtual time per wall-clock time: at 0.05×, a 50 ms database call "
                 "takes a second to watch."));
    m_stepAction->setEnabled(!m_controller->speedLocked());
    if (const scenario::Scenario *s = m_controller->scenario()) {
        m_progress->setText(
            tr("  Step %1 of %2").arg(std::max(0, m_commandIndex + 1)).arg(s->commands.size()));
    } else {
        m_progress->clear();
    }
    m_clock->setText(formatClock(m_controller->now()));
}

void MainWindow::updateWindowTitle()
{
    QString what;
    if (m_replay)
        what = tr("Replay of %1").arg(m_replayName);
    else if (const scenario::Scenario *s = m_controller->scenario())
        what = s->title;
    else if (m_controller->lab())
        what = patternText(m_controller->lab()->config().pattern).title;
    setWindowTitle(what.isEmpty() ? tr("Cache Lab") : tr("%1 — Cache Lab").arg(what));
}

void MainWindow::onOperationFinished(const Operation &op)
{
    if (m_controller->workloadRunning())
        return; // hundreds a second: the workload panel and the charts tell the story
    const QString who =
        participantName(Participant::app(op.client), m_controller->lab()->clients());
    const QString took = formatSpan(op.finishedAt - op.startedAt);
    QString what;
    switch (op.kind) {
    case Operation::Kind::Read:
        what = !op.ok            ? tr("%1: read %2 failed: %3").arg(who, op.key, op.error)
               : op.result.found ? tr("%1: read %2 → %3 (%4) in %5")
                                       .arg(who, op.key, displayValue(op.result.value),
                                            versionText(op.result.version), took)
                                 : tr("%1: read %2 → not found, in %3").arg(who, op.key, took);
        if (op.stale)
            what += u' ' + tr("— stale: the database has v%1").arg(op.truthVersion);
        if (op.dirty)
            what += u' ' + tr("— dirty: the database never committed it");
        break;
    case Operation::Kind::Write:
        what = op.ok ? tr("%1: wrote %2 in %3").arg(who, op.key, took)
                     : tr("%1: write of %2 failed: %3").arg(who, op.key, op.error);
        break;
    case Operation::Kind::Delete:
        what = op.ok ? tr("%1: deleted %2 in %3").arg(who, op.key, took)
                     : tr("%1: delete of %2 failed: %3").arg(who, op.key, op.error);
        break;
    case Operation::Kind::Invalidate:
        what = op.ok ? tr("%1: invalidated %2 in %3").arg(who, op.key, took)
                     : tr("%1: invalidation of %2 failed: %3").arg(who, op.key, op.error);
        break;
    }
    // Shown once per frame: a burst of a hundred reads must not lay out the status bar a
    // hundred times.
    if (!op.crashed)
        m_pendingStatus = what;
}

void MainWindow::showMessageDetails(const TraceEvent &e)
{
    const int clients = shownLab() ? shownLab()->clients() : 1;
    QString kind;
    switch (e.kind) {
    case EventKind::Call:
        kind = tr("call");
        break;
    case EventKind::Return:
        kind = tr("reply");
        break;
    case EventKind::Async:
        kind = tr("message nobody waits for");
        break;
    case EventKind::Note:
        kind = tr("note");
        break;
    }
    QString rows;
    const auto row = [&rows](const QString &name, const QString &value) {
        rows += QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>")
                    .arg(html(name), html(value));
    };
    row(tr("Message"), QStringLiteral("%1. %2").arg(e.id).arg(describe(e, 80)));
    row(tr("Kind"), kind);
    row(tr("From → to"), QStringLiteral("%1 → %2").arg(participantName(e.from, clients),
                                                       participantName(e.to, clients)));
    row(tr("Sent at"), formatClock(e.time));
    if (e.kind != EventKind::Note) {
        row(tr("Travel time"), formatSpan(e.duration));
        row(tr("Arrives at"), formatClock(e.time + e.duration));
    }
    row(tr("Operation"), e.opId ? QStringLiteral("#%1").arg(e.opId) : tr("background work"));
    if (!e.key.isEmpty())
        row(tr("Key"), e.key);
    if (!e.value.isEmpty())
        row(tr("Value"), displayValue(e.value, 200));
    if (e.version != 0)
        row(tr("Version"), versionText(e.version));
    if (e.verb == Verb::Set && e.number > 0)
        row(tr("TTL"), formatSpan(e.number));
    if (e.verb == Verb::Result || (e.verb == Verb::Ok && e.from == e.to))
        row(tr("Latency (whole operation)"), formatSpan(e.number));
    QStringList flags;
    if (e.flags & Stale)
        flags << tr("stale read");
    if (e.flags & Lost)
        flags << tr("lost writes");
    if (e.flags & Dirty)
        flags << tr("dirty read");
    if (e.flags & Failure)
        flags << tr("failure");
    if (e.flags & Background)
        flags << tr("background work");
    if (e.flags & Negative)
        flags << tr("cached \"no such row\"");
    if (!flags.isEmpty())
        row(tr("Flags"), flags.join(QStringLiteral(", ")));
    if (!e.text.isEmpty() && e.verb != Verb::Text)
        row(tr("Note"), e.text);
    m_details->setHtml(QStringLiteral("<table>%1</table>").arg(rows));
    m_sideTabs->setCurrentWidget(m_details);
}

void MainWindow::runOperation(Operation::Kind kind)
{
    const QString key = m_key->currentText().trimmed();
    if (key.isEmpty() || key.contains(u' ')) {
        statusBar()->showMessage(tr("A key is one word without spaces, such as user:1."));
        m_key->setFocus();
        return;
    }
    m_controller->startOperation(kind, std::max(0, m_client->currentIndex()), key,
                                 m_value->text().trimmed().toUtf8());
    sayWhenPaused();
}

void MainWindow::sayWhenPaused()
{
    // Paused stays paused: a teacher sets an operation up, then steps through it.
    if (!m_controller->playing() && !m_controller->speedLocked())
        statusBar()->showMessage(
            tr("Paused: Step (F6, Page Down) follows the operation message by message, "
               "Play (Space) runs it."));
}

void MainWindow::burst()
{
    const QString key = m_key->currentText().trimmed();
    if (key.isEmpty() || key.contains(u' '))
        return runOperation(Operation::Kind::Read); // says what is wrong with the key
    for (int i = 0; i < m_burstCount->value(); ++i)
        m_controller->startOperation(Operation::Kind::Read, std::max(0, m_client->currentIndex()),
                                     key);
    sayWhenPaused();
}

void MainWindow::changeDatabase()
{
    const QString key = m_key->currentText().trimmed();
    if (key.isEmpty() || key.contains(u' ')) {
        statusBar()->showMessage(tr("A key is one word without spaces, such as user:1."));
        return;
    }
    m_controller->databasePut(key, m_value->text().trimmed().toUtf8());
    statusBar()->showMessage(tr("Another system wrote %1 straight into the database.").arg(key));
}

void MainWindow::applyLabBar()
{
    const auto kind = PatternKind(m_pattern->currentData().toInt());
    PatternOptions options;
    const auto refuse = [this](const QString &message) {
        m_options->setStyleSheet(QStringLiteral("color: #e53935"));
        m_options->setToolTip(message);
        statusBar()->showMessage(message);
    };
    if (const auto problem = applyOptionList(options, kind, m_options->text()))
        return refuse(*problem);
    if (const auto conflict = textbookConflict(options, kind))
        return refuse(*conflict);
    m_options->setStyleSheet(QString());
    m_options->setToolTip(tr("The pattern's options, as a scenario writes them; Enter applies"));
    if (const auto error = startLab(kind, options, m_instances->value()))
        reportError(tr("Cannot start the lab"), *error);
}

void MainWindow::syncLabBar()
{
    const Lab *lab = m_controller->lab();
    m_pattern->setCurrentIndex(m_pattern->findData(int(lab->config().pattern)));
    m_instances->setValue(lab->clients());
    if (m_controller->scenario()) {
        // Show the scenario's own pattern line, as its author wrote it.
        QFile file(m_scenarioPath);
        QString options;
        if (file.open(QIODevice::ReadOnly | QIODevice::Text)) {
            while (!file.atEnd()) {
                const QString line = QString::fromUtf8(file.readLine()).trimmed();
                if (line.startsWith(QLatin1String("pattern "))) {
                    options = line.section(u' ', 2, -1, QString::SectionSkipEmpty);
                    break;
                }
            }
        }
        m_options->setText(options);
    }
}

namespace {
constexpr double kMostBarZoom = 1.3;
} // namespace

void MainWindow::applyZoom(double zoom)
{
    // The whole window grows with the diagram, so a projector shows panels as well as arrows.
    QFont font = m_baseFont;
    font.setPointSizeF(m_baseFont.pointSizeF() * std::max(1.0, zoom));
    m_sideTabs->parentWidget()->setFont(font);
    // The bars grow less: at a projector's 1280 pixels every button must stay on its bar,
    // not behind a "»".
    QFont bars = m_baseFont;
    bars.setPointSizeF(m_baseFont.pointSizeF() * std::clamp(zoom, 1.0, kMostBarZoom));
    for (QWidget *w : std::initializer_list<QWidget *>{m_tryBar, m_playbackBar, m_labBar, menuBar(),
                                                       statusBar()})
        w->setFont(bars);
    QFont mono = bars;
    mono.setBold(true);
    mono.setPointSizeF(bars.pointSizeF() * 1.2);
    m_clock->setFont(mono);
    m_clock->setMinimumWidth(
        QFontMetrics(mono).horizontalAdvance(QStringLiteral("t = 00000.000 s")));
    QFont story = font;
    story.setPointSizeF(font.pointSizeF() * 1.15);
    m_narration->setFont(story);
    m_details->setFont(story);
}

// --- commands --------------------------------------------------------------------------------

void MainWindow::reportError(const QString &title, const QString &message)
{
    QMessageBox::warning(this, title, message);
    statusBar()->showMessage(message);
}

void MainWindow::openScenarioDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Scenario"), QString(),
                                                      tr("Cache Lab scenarios (*.cls)"));
    if (path.isEmpty())
        return;
    if (const auto error = openScenario(path))
        reportError(tr("Cannot open the scenario"), *error);
}

void MainWindow::openDemo(const QString &resource)
{
    if (const auto error = openScenario(resource))
        reportError(tr("Cannot open the scenario"), *error);
}

void MainWindow::newLabDialog()
{
    const Lab *lab = m_controller->lab();
    NewLabDialog dialog(lab ? lab->config().pattern : PatternKind::CacheAside,
                        lab ? lab->clients() : 1, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (const auto error = startLab(dialog.pattern(), dialog.options(), dialog.clients()))
        reportError(tr("Cannot start the lab"), *error);
}

void MainWindow::restart()
{
    const bool byHand = !m_controller->scenario();
    if (const auto error = m_controller->restart())
        reportError(tr("Cannot restart"), *error);
    else if (byHand)
        m_controller->setPlaying(true);
}

void MainWindow::exportSvg()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Diagram as SVG"), QStringLiteral("diagram.svg"), tr("SVG images (*.svg)"));
    if (path.isEmpty())
        return;
    if (const auto error = exportDiagramSvg(*m_diagram, path))
        reportError(tr("Export failed"), *error);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::exportPng()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Diagram as PNG"), QStringLiteral("diagram.png"), tr("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    if (const auto error = exportDiagramPng(*m_diagram, path))
        reportError(tr("Export failed"), *error);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::exportMermaid()
{
    Lab *lab = m_controller->lab();
    if (!lab)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Diagram as Mermaid Text"),
                                                      QStringLiteral("diagram.mmd"),
                                                      tr("Mermaid diagrams (*.mmd *.md *.txt)"));
    if (path.isEmpty())
        return;
    if (const auto error = exportDiagramMermaid(*lab, path))
        reportError(tr("Export failed"), *error);
    else
        statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)));
}

void MainWindow::settingsDialog()
{
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const AppSettings previous = m_settings;
    m_settings = dialog.settings();
    m_controller->setBaseConfig(m_settings.labConfig());
    if (const auto error = m_controller->restart()) {
        // Keep the lab that worked; tell what went wrong in core's own words.
        m_settings = previous;
        m_controller->setBaseConfig(previous.labConfig());
        reportError(tr("The new settings do not work"), *error);
        return;
    }
    m_settings.save();
    statusBar()->showMessage(tr("Settings applied; the lab started again."));
}

void MainWindow::setLanguage(const QString &code)
{
    if (!applyLanguage(code))
        statusBar()->showMessage(tr("No translation for %1").arg(code));
    m_settings.language = code;
    m_settings.save();
    // QEvent::LanguageChange reaches every widget: retranslate() runs from changeEvent().
}

void MainWindow::setDark(bool dark)
{
    applyTheme(dark);
    m_settings.dark = dark;
    m_settings.save();
}

// --- workloads, charts and the diagram's thinning -----------------------------------------------

Lab *MainWindow::shownLab()
{
    return m_replay ? &m_replay->lab() : m_controller->lab();
}

void MainWindow::onTraceEvent(const TraceEvent &event)
{
    if (m_replay)
        return;
    if (m_thinner.accept(event))
        m_diagram->append(event);
}

void MainWindow::updateThinning()
{
    m_thinner.update(m_controller->now(), m_controller->speed(), m_controller->workloadRunning());
    const int keep = m_thinner.keepOneIn();
    if (keep == m_bannerKeep)
        return; // the banner changes with its one-in-N only, not with every frame's rate
    m_bannerKeep = keep;
    if (keep <= 1) {
        m_diagram->setBanner(QString());
        return;
    }
    const double rate = m_thinner.rate();
    const QString rounded = QLocale().toString(rate < 100 ? std::round(rate) : twoDigits(rate));
    m_diagram->setBanner(
        tr("About %1 messages a second at %2: too many to read. Drawn: one operation in %3, "
           "each in full, and red and background messages. Slow down to see more.")
            .arg(rounded, speedText(m_controller->speed()))
            .arg(keep));
}

ComparisonWindow *MainWindow::showComparison()
{
    if (!m_comparison) {
        // Its own core objects, in a worker thread: the embedded store, the hash-table
        // database, and the latencies this window's labs use.
        LabConfig base = simulationConfig();
        base.latencies = m_settings.labConfig().latencies;
        m_comparison = new ComparisonWindow(base, this);
    }
    m_comparison->show();
    m_comparison->raise();
    m_comparison->activateWindow();
    return m_comparison;
}

TradeoffsWindow *MainWindow::showTradeoffs()
{
    if (!m_tradeoffs) {
        LabConfig base = simulationConfig();
        base.latencies = m_settings.labConfig().latencies;
        m_tradeoffs = new TradeoffsWindow(base, this);
        connect(m_tradeoffs, &TradeoffsWindow::openRun, this, &MainWindow::openRun);
    }
    m_tradeoffs->show();
    m_tradeoffs->raise();
    m_tradeoffs->activateWindow();
    return m_tradeoffs;
}

std::optional<QString> MainWindow::openRun(PatternKind pattern, const PatternOptions &options,
                                           const Latencies &latencies, const WorkloadSpec &workload)
{
    // The run's latencies for this lab only: later labs use the settings again.
    const LabConfig settings = m_controller->baseConfig();
    LabConfig config = settings;
    config.latencies = latencies;
    m_controller->setBaseConfig(config);
    const auto error = startLab(pattern, options, workload.clients);
    m_controller->setBaseConfig(settings);
    if (error) {
        statusBar()->showMessage(*error);
        return error;
    }
    m_workloadPanel->form()->setSpec(workload);
    m_workloadDock->show();
    m_workloadDock->raise();
    raise();
    activateWindow();
    return std::nullopt;
}

// --- sessions ------------------------------------------------------------------------------

std::optional<QString> MainWindow::saveSession(const QString &path)
{
    auto session = m_controller->session();
    if (const auto *problem = std::get_if<QString>(&session))
        return tr("This session cannot be saved: %1.").arg(*problem);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(sessionToJson(std::get<Session>(session))) < 0 || !file.commit()) {
        return tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString());
    }
    return std::nullopt;
}

void MainWindow::saveSessionDialog()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save Session"), QStringLiteral("session.cachelab.json"),
        tr("Cache Lab sessions (*.cachelab.json *.json)"));
    if (path.isEmpty())
        return;
    if (const auto error = saveSession(path)) {
        reportError(tr("Cannot save the session"), *error);
        return;
    }
    m_controller->markSaved();
    const SessionLog &log = m_controller->sessionLog();
    if (log.full()) {
        statusBar()->showMessage(
            tr("Saved the first %1 of the session to %2: a session records at most %3 "
               "commands.")
                .arg(formatSpan(log.fullAt()), QDir::toNativeSeparators(path))
                .arg(QLocale().toString(SessionLog::kMaxEntries)));
    } else {
        statusBar()->showMessage(
            tr("Saved %1 of the session to %2")
                .arg(formatSpan(m_controller->now()), QDir::toNativeSeparators(path)));
    }
}

std::optional<QString> MainWindow::openSession(const QString &path)
{
    auto loaded = ReplayController::readFile(path);
    if (const auto *problem = std::get_if<QString>(&loaded))
        return *problem; // nothing has changed
    if (m_replay)
        leaveReplay();
    m_wasPlaying = m_controller->playing();
    m_controller->setPlaying(false);
    m_replay = new ReplayController(std::get<Session>(std::move(loaded)), this);
    m_replay->setSpeed(m_controller->speedLocked() ? 0.05 : m_controller->speed());
    m_replayName = QFileInfo(path).fileName();
    connect(m_replay, &ReplayController::traceEvent, this, &MainWindow::onReplayEvent);
    connect(m_replay, &ReplayController::positionChanged, this, &MainWindow::onReplayPosition);
    connect(m_replay, &ReplayController::playingChanged, this, &MainWindow::updateReplayUi);

    for (QToolBar *bar : {m_playbackBar, m_labBar, m_tryBar})
        bar->hide();
    m_replayBar->show();
    for (QAction *a :
         {m_playAction, m_stepAction, m_restartAction, m_clearAction, m_saveSessionAction})
        a->setEnabled(false);
    m_replayPlayAction->setEnabled(true);
    m_leaveReplayAction->setEnabled(true);
    m_workloadPanel->setEnabled(false);
    m_chartsPanel->setModel(m_replay->metrics());
    {
        const QSignalBlocker block(m_replaySlider);
        m_replaySlider->setRange(0, int(std::min<TimeUs>(m_replay->duration() / kMillisecond,
                                                         std::numeric_limits<int>::max())));
        m_replaySlider->setSingleStep(std::max(1, m_replaySlider->maximum() / 200));
        m_replaySlider->setPageStep(std::max(1, m_replaySlider->maximum() / 20));
        m_replaySlider->setValue(0);
    }
    const int index = m_replaySpeed->findData(m_replay->speed());
    m_replaySpeed->setCurrentIndex(index >= 0 ? index : 0);
    m_sideTabs->setCurrentWidget(m_narration);
    m_replayCommands.clear();
    m_replayShown = -2;
    const auto parsed = scenario::parse(m_replay->session().scenario, m_replayName);
    if (const auto *s = std::get_if<scenario::Scenario>(&parsed)) {
        TimeUs at = 0;
        for (const scenario::Command &command : s->commands) {
            if (command.type == scenario::Command::Type::Wait)
                at += command.duration;
            else
                m_replayCommands.append({at, command.text});
        }
    }
    showPanelsForPattern();
    onReplayPosition(m_replay->position(), true);
    updateReplayUi();
    updateWindowTitle();
    statusBar()->showMessage(
        m_replay->divergence().isEmpty()
            ? tr("Replaying %1: drag the slider, or press Play.").arg(m_replayName)
            : tr("Replaying %1, but %2.").arg(m_replayName, m_replay->divergence()));
    return std::nullopt;
}

void MainWindow::openSessionDialog()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Session"), QString(), tr("Cache Lab sessions (*.cachelab.json *.json)"));
    if (path.isEmpty())
        return;
    if (const auto error = openSession(path))
        reportError(tr("Cannot open the session"), *error);
}

void MainWindow::leaveReplay()
{
    if (!m_replay)
        return;
    delete m_replay;
    m_replay = nullptr;
    m_replayTarget = -1;
    m_replayBar->hide();
    for (QToolBar *bar : {m_playbackBar, m_labBar, m_tryBar})
        bar->show();
    for (QAction *a : {m_playAction, m_restartAction, m_clearAction, m_saveSessionAction})
        a->setEnabled(true);
    m_stepAction->setEnabled(!m_controller->speedLocked());
    m_replayPlayAction->setEnabled(false);
    m_leaveReplayAction->setEnabled(false);
    m_workloadPanel->setEnabled(true);
    m_chartsPanel->setModel(m_chartModel);
    if (Lab *lab = m_controller->lab()) {
        rebuildDiagram(*lab);
        m_diagram->setTime(m_controller->now());
        showPanelsForPattern();
        refreshPanels();
        for (StateTableModel *model : std::initializer_list<StateTableModel *>{
                 m_cacheModel, m_l1Model, m_writeQueueModel, m_refreshQueueModel, m_breakerModel})
            model->setNow(m_controller->now());
    }
    m_thinner.reset();
    m_bannerKeep = 1;
    m_diagram->setBanner(QString());
    updateWindowTitle();
    updatePlaybackUi(); // the clock shows the lab's time again, not the replay's
    updateNarration();
    m_controller->setPlaying(m_wasPlaying);
    statusBar()->showMessage(tr("Back to the live lab."), 3000);
}

void MainWindow::rebuildDiagram(Lab &lab)
{
    const int clients = lab.clients();
    m_diagram->reset(participantsFor(lab.config().pattern, clients, lab.config().options), clients);
    const QList<TraceEvent> events = lab.trace().events();
    for (qsizetype i = std::max<qsizetype>(0, events.size() - DiagramView::kHistory);
         i < events.size(); ++i)
        m_diagram->append(events[i]);
    m_diagram->setFollow(true);
}

void MainWindow::onReplayEvent(const TraceEvent &event)
{
    // Playing: as live, thinned when too fast to read. Scrubbing forwards: every message.
    if (!m_replay->playing() || m_replayThinner.accept(event))
        m_diagram->append(event);
}

void MainWindow::onReplayPosition(qint64 t, bool rebuilt)
{
    Lab &lab = m_replay->lab();
    if (rebuilt) {
        rebuildDiagram(lab);
        m_replayThinner.reset();
    }
    m_replayThinner.update(t, m_replay->speed(), m_replay->playing());
    m_diagram->setBanner(m_replayThinner.thinning() && m_replay->playing()
                             ? tr("Too many messages a second to read at %1: drawing one "
                                  "operation in %2. Pause or slow down to see every message.")
                                   .arg(speedText(m_replay->speed()))
                                   .arg(m_replayThinner.keepOneIn())
                             : QString());
    m_diagram->setTime(t);
    for (StateTableModel *model : std::initializer_list<StateTableModel *>{
             m_cacheModel, m_l1Model, m_writeQueueModel, m_refreshQueueModel, m_breakerModel})
        model->setNow(t);
    refreshPanels();
    m_chartsPanel->setUntil(double(t) / double(kSecond));
    {
        const QSignalBlocker block(m_replaySlider);
        m_replaySlider->setValue(
            int(std::min<TimeUs>(t / kMillisecond, m_replaySlider->maximum())));
    }
    m_clock->setText(formatClock(t));
    updateReplayUi();
    updateReplayNarration();
}

void MainWindow::updateReplayNarration()
{
    const TimeUs t = m_replay->position();
    const auto done = std::partition_point(m_replayCommands.cbegin(), m_replayCommands.cend(),
                                           [t](const auto &c) { return c.first <= t; }) -
                      m_replayCommands.cbegin();
    if (done == m_replayShown)
        return;
    m_replayShown = done;
    const PatternText about = patternText(m_replay->lab().config().pattern);
    QString text = QStringLiteral("<h2>%1</h2><p>%2</p>")
                       .arg(html(tr("Replay: %1").arg(about.title)), html(about.summary));
    text += QStringLiteral("<p><b>%1</b></p><ul>")
                .arg(html(tr("Done by %1: %2 of %3 commands")
                              .arg(formatClock(t))
                              .arg(QLocale().toString(qint64(done)))
                              .arg(QLocale().toString(qint64(m_replayCommands.size())))));
    // The newest few: a workload's session holds many thousands.
    constexpr qsizetype kShown = 12;
    if (done > kShown)
        text += QStringLiteral("<li>…</li>");
    for (qsizetype i = std::max<qsizetype>(0, done - kShown); i < done; ++i) {
        text += QStringLiteral("<li><code>%1</code>&nbsp; %2</li>")
                    .arg(html(formatClock(m_replayCommands[i].first)),
                         html(m_replayCommands[i].second));
    }
    text += QStringLiteral("</ul>");
    if (done < m_replayCommands.size()) {
        text += QStringLiteral("<p style='color:gray'>%1 <code>%2</code></p>")
                    .arg(html(tr("Next, at %1:").arg(formatClock(m_replayCommands[done].first))),
                         html(m_replayCommands[done].second));
    }
    m_narration->setHtml(text);
}

void MainWindow::updateReplayUi()
{
    if (!m_replay)
        return;
    const bool playing = m_replay->playing();
    m_replayPlayAction->setText(playing ? tr("Pause") : tr("Play"));
    m_replayPlayAction->setIcon(
        QIcon(playing ? QStringLiteral(":/icons/pause.svg") : QStringLiteral(":/icons/play.svg")));
    m_replayTitle->setText(tr("Replay of %1 ").arg(m_replayName));
    m_replayClock->setText(
        tr("%1 of %2").arg(formatClock(m_replay->position()), formatSpan(m_replay->duration())));
    const QString divergence = m_replay->divergence();
    m_replayNote->setText(divergence.isEmpty() ? QString() : tr("differs from the recording "));
    m_replayNote->setToolTip(divergence);
}

} // namespace cachelab::ui
