<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CircuitBreaker</name>
    <message numerus="yes">
        <source>%n consecutive cache failure(s)</source>
        <translation>
            <numerusform>%n consecutive cache failure</numerusform>
            <numerusform>%n consecutive cache failures</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of the last %n cache call(s) failed</source>
        <translation>
            <numerusform>%1 of the last %n cache call failed</numerusform>
            <numerusform>%1 of the last %n cache calls failed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message numerus="yes">
        <source>%1: %n expectation(s) held, %2 failed; %3 of virtual time
</source>
        <translation>
            <numerusform>%1: %n expectation held, %2 failed; %3 of virtual time
</numerusform>
            <numerusform>%1: %n expectations held, %2 failed; %3 of virtual time
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n call(s) to the cache or the database failed while the scenario made nothing fail</source>
        <translation>
            <numerusform>%1: %n call to the cache or the database failed while the scenario made nothing fail</numerusform>
            <numerusform>%1: %n calls to the cache or the database failed while the scenario made nothing fail</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of %n task(s) passed</source>
        <translation>
            <numerusform>%1: %2 of %n task passed</numerusform>
            <numerusform>%1: %2 of %n tasks passed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n expectation(s) held, %1 failed
</source>
        <translation>
            <numerusform>, %n expectation held, %1 failed
</numerusform>
            <numerusform>, %n expectations held, %1 failed
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n write(s)</source>
        <translation>
            <numerusform>%1: %n write</numerusform>
            <numerusform>%1: %n writes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Comparison</name>
    <message numerus="yes">
        <source>
Workload: %1 requests, %2 keys, %3, write ratio %4, %n client(s), seed %5; every instance crashes halfway through. &quot;—&quot;: the source material does not rate this pattern.
</source>
        <translation>
            <numerusform>
Workload: %1 requests, %2 keys, %3, write ratio %4, %n client, seed %5; every instance crashes halfway through. &quot;—&quot;: the source material does not rate this pattern.
</numerusform>
            <numerusform>
Workload: %1 requests, %2 keys, %3, write ratio %4, %n clients, seed %5; every instance crashes halfway through. &quot;—&quot;: the source material does not rate this pattern.
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Lab</name>
    <message numerus="yes">
        <source>seeded %n row(s): item:1 …</source>
        <translation>
            <numerusform>seeded %n row: item:1 …</numerusform>
            <numerusform>seeded %n rows: item:1 …</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LessonParser</name>
    <message numerus="yes">
        <source>client %1 does not exist: the lesson has %n client(s)</source>
        <translation>
            <numerusform>client %1 does not exist: the lesson has %n client</numerusform>
            <numerusform>client %1 does not exist: the lesson has %n clients</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LessonProgress</name>
    <message numerus="yes">
        <source>Finished (%n time(s)).</source>
        <translation>
            <numerusform>Finished (%n time).</numerusform>
            <numerusform>Finished (%n times).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n prediction(s) right.</source>
        <translation>
            <numerusform>%1 of %n prediction right.</numerusform>
            <numerusform>%1 of %n predictions right.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n check(s), %1.</source>
        <translation>
            <numerusform>%n check, %1.</numerusform>
            <numerusform>%n checks, %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SqlDatabase</name>
    <message numerus="yes">
        <source>%1 has a table &quot;records&quot; that is not Cache Lab&apos;s: it lacks the column(s) %2. Choose another database, or remove that table.</source>
        <translation>
            <numerusform>%1 has a table &quot;records&quot; that is not Cache Lab&apos;s: it lacks the column %2. Choose another database, or remove that table.</numerusform>
            <numerusform>%1 has a table &quot;records&quot; that is not Cache Lab&apos;s: it lacks the columns %2. Choose another database, or remove that table.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The table &quot;%1&quot; in %2 has no column(s) %3: name its columns in key=, value= and version=.</source>
        <translation>
            <numerusform>The table &quot;%1&quot; in %2 has no column %3: name its columns in key=, value= and version=.</numerusform>
            <numerusform>The table &quot;%1&quot; in %2 has no columns %3: name its columns in key=, value= and version=.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SweepResult</name>
    <message numerus="yes">
        <source>
%n seed(s); mean ± half of the 95% confidence interval. Bold: the best of a column; ≈: not significantly different from it (the intervals overlap).
</source>
        <translation>
            <numerusform>
%n seed; mean ± half of the 95% confidence interval. Bold: the best of a column; ≈: not significantly different from it (the intervals overlap).
</numerusform>
            <numerusform>
%n seeds; mean ± half of the 95% confidence interval. Bold: the best of a column; ≈: not significantly different from it (the intervals overlap).
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n seed(s) per point; mean ± half of the 95% confidence interval.
</source>
        <translation>
            <numerusform>%n seed per point; mean ± half of the 95% confidence interval.
</numerusform>
            <numerusform>%n seeds per point; mean ± half of the 95% confidence interval.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Workload: %1 requests, %2 keys, %3, write ratio %4, %n client(s), first seed %5; every instance crashes halfway through.
</source>
        <translation>
            <numerusform>Workload: %1 requests, %2 keys, %3, write ratio %4, %n client, first seed %5; every instance crashes halfway through.
</numerusform>
            <numerusform>Workload: %1 requests, %2 keys, %3, write ratio %4, %n clients, first seed %5; every instance crashes halfway through.
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Trace</name>
    <message numerus="yes">
        <source>batch write of %n row(s)</source>
        <translation>
            <numerusform>batch write of %n row</numerusform>
            <numerusform>batch write of %n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>committed %n row(s)</source>
        <translation>
            <numerusform>committed %n row</numerusform>
            <numerusform>committed %n rows</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s)</source>
        <translation>
            <numerusform>%n change</numerusform>
            <numerusform>%n changes</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>WriteBehind</name>
    <message numerus="yes">
        <source>crash: %n acknowledged write(s) lost with the queue</source>
        <translation>
            <numerusform>crash: %n acknowledged write lost with the queue</numerusform>
            <numerusform>crash: %n acknowledged writes lost with the queue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>restart: %n write(s) replayed from the durable queue</source>
        <translation>
            <numerusform>restart: %n write replayed from the durable queue</numerusform>
            <numerusform>restart: %n writes replayed from the durable queue</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>gave up after %n retries: writes lost</source>
        <translation>
            <numerusform>gave up after %n retry: writes lost</numerusform>
            <numerusform>gave up after %n retries: writes lost</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>textbook: the failed batch is dropped, %n write(s) lost</source>
        <translation>
            <numerusform>textbook: the failed batch is dropped, %n write lost</numerusform>
            <numerusform>textbook: the failed batch is dropped, %n writes lost</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>restart: %n write(s) of the durable queue already in the database, dropped</source>
        <translation>
            <numerusform>restart: %n write of the durable queue already in the database, dropped</numerusform>
            <numerusform>restart: %n writes of the durable queue already in the database, dropped</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::Runtime</name>
    <message numerus="yes">
        <source>there is no instance %1 (this runtime has %n instance(s))</source>
        <translation>
            <numerusform>there is no instance %1 (this runtime has %n instance)</numerusform>
            <numerusform>there is no instance %1 (this runtime has %n instances)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::DiagramView</name>
    <message numerus="yes">
        <source>%n message(s). Newest: %1</source>
        <translation>
            <numerusform>%n message. Newest: %1</numerusform>
            <numerusform>%n messages. Newest: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::LessonBrowser</name>
    <message numerus="yes">
        <source>Each lesson plays a short story in the lab. You predict what the cache will do, see why, and then fix a task yourself. %1 of %n lesson(s) finished.</source>
        <translation>
            <numerusform>Each lesson plays a short story in the lab. You predict what the cache will do, see why, and then fix a task yourself. %1 of %n lesson finished.</numerusform>
            <numerusform>Each lesson plays a short story in the lab. You predict what the cache will do, see why, and then fix a task yourself. %1 of %n lessons finished.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::LessonWindow</name>
    <message numerus="yes">
        <source>&lt;p&gt;%n more goal(s) do not hold either.&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;%n more goal does not hold either.&lt;/p&gt;</numerusform>
            <numerusform>&lt;p&gt;%n more goals do not hold either.&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n prediction(s) right.</source>
        <translation>
            <numerusform>%1 of %n prediction right.</numerusform>
            <numerusform>%1 of %n predictions right.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tasks solved on your own: %1 of %n.</source>
        <translation>
            <numerusform>Tasks solved on your own: %1 of %n.</numerusform>
            <numerusform>Tasks solved on your own: %1 of %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Solution shown: %n.</source>
        <translation>
            <numerusform>Solution shown: %n.</numerusform>
            <numerusform>Solution shown: %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Decided by message(s) %1, marked in the diagram.</source>
        <translation>
            <numerusform>Decided by message %1, marked in the diagram.</numerusform>
            <numerusform>Decided by messages %1, marked in the diagram.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;p&gt;Message(s) %1 broke it, marked in the diagram.&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;Message %1 broke it, marked in the diagram.&lt;/p&gt;</numerusform>
            <numerusform>&lt;p&gt;Messages %1 broke it, marked in the diagram.&lt;/p&gt;</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::MainWindow</name>
    <message numerus="yes">
        <source>The scenario is over: %n expectation(s) failed.</source>
        <translation>
            <numerusform>The scenario is over: %n expectation failed.</numerusform>
            <numerusform>The scenario is over: %n expectations failed.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The end: all %n expectation(s) held.</source>
        <translation>
            <numerusform>The end: all %n expectation held.</numerusform>
            <numerusform>The end: all %n expectations held.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::SettingsDialog</name>
    <message numerus="yes">
        <source>Opened %1: %n row(s).</source>
        <translation>
            <numerusform>Opened %1: %n row.</numerusform>
            <numerusform>Opened %1: %n rows.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::TradeoffsWindow</name>
    <message numerus="yes">
        <source>Cancelled: %n point(s) measured.</source>
        <translation>
            <numerusform>Cancelled: %n point measured.</numerusform>
            <numerusform>Cancelled: %n points measured.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) in %1 s. Click a point to open that run in the lab.</source>
        <translation>
            <numerusform>%n run in %1 s. Click a point to open that run in the lab.</numerusform>
            <numerusform>%n runs in %1 s. Click a point to open that run in the lab.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Measuring %n pattern(s)…</source>
        <translation>
            <numerusform>Measuring %n pattern…</numerusform>
            <numerusform>Measuring %n patterns…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::WorkloadPanel</name>
    <message numerus="yes">
        <source>Workload started: %Ln request(s) at %1 a second.</source>
        <translation>
            <numerusform>Workload started: %Ln request at %1 a second.</numerusform>
            <numerusform>Workload started: %Ln requests at %1 a second.</numerusform>
        </translation>
    </message>
</context>
</TS>
