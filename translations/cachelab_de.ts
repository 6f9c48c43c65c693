<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AsyncRedisConnection</name>
    <message>
        <source>Redis at %1 is unreachable; the next attempt is in %2 ms</source>
        <translation>Redis unter %1 ist nicht erreichbar; der nächste Versuch folgt in %2 ms</translation>
    </message>
    <message>
        <source>cannot connect to Redis at %1 for %2: %3</source>
        <translation>keine Verbindung zu Redis unter %1 für %2: %3</translation>
    </message>
    <message>
        <source>Redis at %1 refused this connection&apos;s set-up: %2</source>
        <translation>Redis unter %1 hat die Einrichtung dieser Verbindung abgelehnt: %2</translation>
    </message>
    <message>
        <source>Redis at %1 could not take %2: the connection is closing</source>
        <translation>Redis unter %1 konnte %2 nicht annehmen: die Verbindung wird geschlossen</translation>
    </message>
    <message>
        <source>Redis at %1 refused SUBSCRIBE: %2</source>
        <translation>Redis unter %1 hat SUBSCRIBE abgelehnt: %2</translation>
    </message>
    <message>
        <source>connection closed</source>
        <translation>Verbindung geschlossen</translation>
    </message>
    <message>
        <source>Redis at %1 refused the connection: is redis-server running there, on that port?</source>
        <translation>Redis unter %1 hat die Verbindung abgelehnt: läuft dort redis-server, auf diesem Port?</translation>
    </message>
    <message>
        <source>Redis at %1 went away during %2 (%3)</source>
        <translation>Redis unter %1 ist während %2 weggefallen (%3)</translation>
    </message>
    <message>
        <source>Redis at %1 did not answer %2 within %3 ms</source>
        <translation>Redis unter %1 hat %2 nicht innerhalb von %3 ms beantwortet</translation>
    </message>
    <message>
        <source>Redis at %1 did not accept the connection within %2 ms; check the host and the firewall</source>
        <translation>Redis unter %1 hat die Verbindung nicht innerhalb von %2 ms angenommen; Host und Firewall prüfen</translation>
    </message>
</context>
<context>
    <name>BreakerModel</name>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>half-open</source>
        <translation>halb offen</translation>
    </message>
</context>
<context>
    <name>CacheProxy</name>
    <message>
        <source>the cache is down</source>
        <translation>der Cache ist ausgefallen</translation>
    </message>
    <message>
        <source>OOM command not allowed when used memory &gt; &apos;maxmemory&apos;</source>
        <translation>OOM command not allowed when used memory &gt; &apos;maxmemory&apos;</translation>
    </message>
</context>
<context>
    <name>CircuitBreaker</name>
    <message>
        <source>breaker %1: %2</source>
        <translation>Schutzschalter %1: %2</translation>
    </message>
    <message>
        <source>the trial call succeeded</source>
        <translation>der Probeaufruf gelang</translation>
    </message>
    <message>
        <source>the trial call failed</source>
        <translation>der Probeaufruf schlug fehl</translation>
    </message>
    <message numerus="yes">
        <source>%n consecutive cache failure(s)</source>
        <translation>
            <numerusform>%n Cache-Fehler in Folge</numerusform>
            <numerusform>%n Cache-Fehler in Folge</numerusform>
        </translation>
    </message>
    <message>
        <source>the next call is a trial</source>
        <translation>der nächste Aufruf ist ein Probeaufruf</translation>
    </message>
    <message>
        <source>the cache may still hold the old %1</source>
        <translation>der Cache hält womöglich noch das alte %1</translation>
    </message>
    <message>
        <source>textbook: open for good</source>
        <translation>Lehrbuch: für immer offen</translation>
    </message>
    <message numerus="yes">
        <source>%1 of the last %n cache call(s) failed</source>
        <translation>
            <numerusform>vom letzten %n Cache-Aufruf schlug %1 fehl</numerusform>
            <numerusform>von den letzten %n Cache-Aufrufen schlugen %1 fehl</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Cli</name>
    <message>
        <source>cachelab-cli: cannot write %1: %2
</source>
        <translation>cachelab-cli: %1 kann nicht geschrieben werden: %2
</translation>
    </message>
    <message>
        <source>Runs a Cache Lab scenario and checks its expectations.</source>
        <translation>Führt ein Cache-Lab-Szenario aus und prüft seine Erwartungen.</translation>
    </message>
    <message>
        <source>The scenario file (*.cls).</source>
        <translation>Die Szenariodatei (*.cls).</translation>
    </message>
    <message>
        <source>Print the outcome as one JSON object.</source>
        <translation>Das Ergebnis als ein JSON-Objekt ausgeben.</translation>
    </message>
    <message>
        <source>Write the sequence diagram as Mermaid text to OUT.</source>
        <translation>Das Sequenzdiagramm als Mermaid-Text nach OUT schreiben.</translation>
    </message>
    <message>
        <source>Write every message of the run as JSON to OUT.</source>
        <translation>Jede Nachricht des Laufs als JSON nach OUT schreiben.</translation>
    </message>
    <message>
        <source>Use the Redis server at URL as the shared cache.</source>
        <translation>Den Redis-Server unter URL als gemeinsamen Cache verwenden.</translation>
    </message>
    <message>
        <source>Keep every Redis key under PREFIX (default cachelab:).</source>
        <translation>Jeden Redis-Schlüssel unter PREFIX ablegen (Standard: cachelab:).</translation>
    </message>
    <message>
        <source>Do not clear the keys under the prefix before the run (to share a Redis with another running lab).</source>
        <translation>Die Schlüssel unter dem Präfix vor dem Lauf nicht löschen (um ein Redis mit einem anderen laufenden Lab zu teilen).</translation>
    </message>
    <message>
        <source>cachelab-cli run: %1
</source>
        <translation>cachelab-cli run: %1
</translation>
    </message>
    <message>
        <source>cachelab-cli run: expected exactly one scenario file, got %1
</source>
        <translation>cachelab-cli run: genau eine Szenariodatei erwartet, erhalten: %1
</translation>
    </message>
    <message>
        <source>cachelab-cli run: --prefix must not be empty: it keeps Cache Lab&apos;s keys apart from everybody else&apos;s
</source>
        <translation>cachelab-cli run: --prefix darf nicht leer sein: es hält die Schlüssel von Cache Lab von denen aller anderen getrennt
</translation>
    </message>
    <message>
        <source>cachelab-cli run: --db: %1
</source>
        <translation>cachelab-cli run: --db: %1
</translation>
    </message>
    <message>
        <source>%1:%2: expected %3, got %4
</source>
        <translation>%1:%2: erwartet %3, erhalten %4
</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n expectation(s) held, %2 failed; %3 of virtual time
</source>
        <translation>
            <numerusform>%1: %n Erwartung erfüllt, %2 nicht erfüllt; %3 virtuelle Zeit
</numerusform>
            <numerusform>%1: %n Erwartungen erfüllt, %2 nicht erfüllt; %3 virtuelle Zeit
</numerusform>
        </translation>
    </message>
    <message>
        <source>cachelab-cli: unknown command &quot;%1&quot;

</source>
        <translation>cachelab-cli: unbekannter Befehl „%1“

</translation>
    </message>
    <message>
        <source>Number of requests (default 10000).</source>
        <translation>Anzahl der Anfragen (Standard 10000).</translation>
    </message>
    <message>
        <source>Number of distinct keys (default 1000).</source>
        <translation>Anzahl verschiedener Schlüssel (Standard 1000).</translation>
    </message>
    <message>
        <source>Key distribution: uniform, zipf:S or hot:X:Y (default uniform).</source>
        <translation>Schlüsselverteilung: uniform, zipf:S oder hot:X:Y (Standard uniform).</translation>
    </message>
    <message>
        <source>Share of requests that are writes, 0 to 1 (default 0.1).</source>
        <translation>Anteil der Schreibanfragen, 0 bis 1 (Standard 0.1).</translation>
    </message>
    <message>
        <source>Application instances, 1 to 26 (default 1).</source>
        <translation>Anwendungsinstanzen, 1 bis 26 (Standard 1).</translation>
    </message>
    <message>
        <source>Random seed (default 1).</source>
        <translation>Startwert des Zufalls (Standard 1).</translation>
    </message>
    <message>
        <source>Requests per second of virtual time (default 1000).</source>
        <translation>Anfragen pro Sekunde virtueller Zeit (Standard 1000).</translation>
    </message>
    <message>
        <source>A pattern option as in scenarios, such as ttl=30s (repeatable).</source>
        <translation>Eine Musteroption wie in Szenarien, etwa ttl=30s (wiederholbar).</translation>
    </message>
    <message>
        <source>--requests: expected a whole number from 1 to 100000000, got &quot;%1&quot;</source>
        <translation>--requests: erwartet eine ganze Zahl von 1 bis 100000000, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--keys: expected a whole number from 1 to 10000000, got &quot;%1&quot;</source>
        <translation>--keys: erwartet eine ganze Zahl von 1 bis 10000000, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--dist: %1</source>
        <translation>--dist: %1</translation>
    </message>
    <message>
        <source>--write-ratio: expected a number from 0 to 1, got &quot;%1&quot;</source>
        <translation>--write-ratio: erwartet eine Zahl von 0 bis 1, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--clients: expected a whole number from 1 to 26, got &quot;%1&quot;</source>
        <translation>--clients: erwartet eine ganze Zahl von 1 bis 26, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--seed: expected a whole number, got &quot;%1&quot;</source>
        <translation>--seed: erwartet eine ganze Zahl, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--option: expected NAME=VALUE (such as ttl=30s), got &quot;%1&quot;</source>
        <translation>--option: erwartet NAME=WERT (etwa ttl=30s), erhalten: „%1“</translation>
    </message>
    <message>
        <source>cachelab-cli %1: %2
</source>
        <translation>cachelab-cli %1: %2
</translation>
    </message>
    <message>
        <source>Runs a workload through one pattern and measures it.</source>
        <translation>Schickt eine Last durch ein Muster und misst sie.</translation>
    </message>
    <message>
        <source>The pattern (cache-aside, …).</source>
        <translation>Das Muster (cache-aside, …).</translation>
    </message>
    <message>
        <source>Crash every instance when half the requests are issued.</source>
        <translation>Jede Instanz abstürzen lassen, wenn die Hälfte der Anfragen gestellt ist.</translation>
    </message>
    <message>
        <source>Print the figures as JSON.</source>
        <translation>Die Zahlen als JSON ausgeben.</translation>
    </message>
    <message>
        <source>cachelab-cli simulate: unexpected argument &quot;%1&quot;
</source>
        <translation>cachelab-cli simulate: unerwartetes Argument „%1“
</translation>
    </message>
    <message>
        <source>cachelab-cli simulate: --pattern: expected one of cache-aside, write-through, write-behind, refresh-ahead, around, multi-level, circuit-breaker; got &quot;%1&quot;
</source>
        <translation>cachelab-cli simulate: --pattern: erwartet eines von cache-aside, write-through, write-behind, refresh-ahead, around, multi-level, circuit-breaker; erhalten: „%1“
</translation>
    </message>
    <message>
        <source>cachelab-cli simulate: %1
</source>
        <translation>cachelab-cli simulate: %1
</translation>
    </message>
    <message>
        <source>cachelab-cli simulate: --option %1=%2: %3
</source>
        <translation>cachelab-cli simulate: --option %1=%2: %3
</translation>
    </message>
    <message>
        <source>%1: %2 requests in %3 s of wall time (%4 per second)
</source>
        <translation>%1: %2 Anfragen in %3 s Echtzeit (%4 pro Sekunde)
</translation>
    </message>
    <message>
        <source>hit ratio %1; read p50/p95/p99 %2/%3/%4 us; write p50/p95/p99 %5/%6/%7 us
</source>
        <translation>Trefferquote %1; Lesen p50/p95/p99 %2/%3/%4 us; Schreiben p50/p95/p99 %5/%6/%7 us
</translation>
    </message>
    <message>
        <source>Runs one workload through every pattern and prints a table of measured figures beside the textbook&apos;s.</source>
        <translation>Schickt eine Last durch jedes Muster und gibt eine Tabelle der gemessenen Zahlen neben denen des Lehrbuchs aus.</translation>
    </message>
    <message>
        <source>Print JSON.</source>
        <translation>JSON ausgeben.</translation>
    </message>
    <message>
        <source>Print CSV.</source>
        <translation>CSV ausgeben.</translation>
    </message>
    <message>
        <source>Print a Markdown table (the default).</source>
        <translation>Eine Markdown-Tabelle ausgeben (Standard).</translation>
    </message>
    <message>
        <source>cachelab-cli compare: unexpected argument &quot;%1&quot;
</source>
        <translation>cachelab-cli compare: unerwartetes Argument „%1“
</translation>
    </message>
    <message>
        <source>cachelab-cli compare: choose one of --json, --csv, --markdown
</source>
        <translation>cachelab-cli compare: eines von --json, --csv, --markdown wählen
</translation>
    </message>
    <message>
        <source>cachelab-cli compare: %1
</source>
        <translation>cachelab-cli compare: %1
</translation>
    </message>
    <message>
        <source>cachelab-cli compare: --option %1=%2: %3
</source>
        <translation>cachelab-cli compare: --option %1=%2: %3
</translation>
    </message>
    <message>
        <source>no pattern has this option</source>
        <translation>kein Muster hat diese Option</translation>
    </message>
    <message>
        <source>Stop the run with an error after N scheduler events (default %1).</source>
        <translation>Den Lauf nach N Ereignissen des Schedulers mit einem Fehler beenden (Standard %1).</translation>
    </message>
    <message>
        <source>cachelab-cli run: --max-events: expected a whole number above 0, got &quot;%1&quot;
</source>
        <translation>cachelab-cli run: --max-events: erwartet eine ganze Zahl über 0, erhalten: „%1“
</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n call(s) to the cache or the database failed while the scenario made nothing fail</source>
        <translation>
            <numerusform>%1: %n Aufruf an Cache oder Datenbank schlug fehl, obwohl das Szenario nichts fehlschlagen ließ</numerusform>
            <numerusform>%1: %n Aufrufe an Cache oder Datenbank schlugen fehl, obwohl das Szenario nichts fehlschlagen ließ</numerusform>
        </translation>
    </message>
    <message>
        <source>Stop with an error after N scheduler events (default 64 per request plus ten million).</source>
        <translation>Nach N Ereignissen des Schedulers mit einem Fehler abbrechen (Standard 64 je Anfrage plus zehn Millionen).</translation>
    </message>
    <message>
        <source>--rate: expected requests per second from 0.001 to 1000000000, got &quot;%1&quot;</source>
        <translation>--rate: erwartet Anfragen pro Sekunde von 0.001 bis 1000000000, erhalten: „%1“</translation>
    </message>
    <message>
        <source>--max-events: expected a whole number above 0, got &quot;%1&quot;</source>
        <translation>--max-events: erwartet eine ganze Zahl über 0, erhalten: „%1“</translation>
    </message>
    <message>
        <source>simulate</source>
        <translation>simulate</translation>
    </message>
    <message>
        <source>Interrupted: the figures below are partial, %1 of the %2 requests.
</source>
        <translation>Unterbrochen: die Zahlen unten sind unvollständig, %1 der %2 Anfragen.
</translation>
    </message>
    <message>
        <source>compare</source>
        <translation>compare</translation>
    </message>
    <message>
        <source>Interrupted: the last row is partial and the patterns after it did not run.
</source>
        <translation>Unterbrochen: die letzte Zeile ist unvollständig, und die Muster danach liefen nicht.
</translation>
    </message>
    <message>
        <source>Keep the rows already in the --db file (a run normally starts from an empty table, as the scenario defines).</source>
        <translation>Die Zeilen behalten, die schon in der --db-Datei stehen (ein Lauf beginnt sonst mit einer leeren Tabelle, wie das Szenario sie festlegt).</translation>
    </message>
    <message>
        <source>cachelab-cli run: %1 is a lesson: it runs on the embedded cache and an in-memory database only (drop --db and --redis)
</source>
        <translation>cachelab-cli run: %1 ist eine Lektion: sie läuft nur auf dem eingebetteten Cache und einer Datenbank im Arbeitsspeicher (--db und --redis weglassen)
</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 lässt sich nicht öffnen: %2</translation>
    </message>
    <message>
        <source>%1 is not JSON: %2</source>
        <translation>%1 ist kein JSON: %2</translation>
    </message>
    <message>
        <source>%1: expected an object with &quot;predictions&quot; and &quot;tasks&quot;</source>
        <translation>%1: erwartet wurde ein Objekt mit „predictions“ und „tasks“</translation>
    </message>
    <message>
        <source>%1: &quot;predictions&quot; and &quot;tasks&quot; must be arrays</source>
        <translation>%1: „predictions“ und „tasks“ müssen Arrays sein</translation>
    </message>
    <message>
        <source>%1: a prediction&apos;s answer must be a string or null</source>
        <translation>%1: die Antwort auf eine Vorhersage muss ein String oder null sein</translation>
    </message>
    <message>
        <source>%1: a task&apos;s answer must be a list of settings or null</source>
        <translation>%1: die Antwort auf eine Aufgabe muss eine Liste von Einstellungen oder null sein</translation>
    </message>
    <message>
        <source>%1: a setting must be a string such as &quot;ttl=5s&quot;</source>
        <translation>%1: eine Einstellung muss ein String wie „ttl=5s“ sein</translation>
    </message>
    <message>
        <source>%1:%2:   goal %3 does not hold: got %4 (messages %5)
</source>
        <translation>%1:%2:   Ziel %3 gilt nicht: erhalten %4 (Nachrichten %5)
</translation>
    </message>
    <message>
        <source>unanswered</source>
        <translation>unbeantwortet</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong (answered %1)</source>
        <translation>falsch (geantwortet: %1)</translation>
    </message>
    <message>
        <source>%1:%2: predict %3: %4 — %5; decided by messages %6
</source>
        <translation>%1:%2: predict %3: %4 — %5; entschieden durch die Nachrichten %6
</translation>
    </message>
    <message>
        <source>%1:%2: task %3: %4
</source>
        <translation>%1:%2: Aufgabe %3: %4
</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>bestanden</translation>
    </message>
    <message>
        <source>not passed</source>
        <translation>nicht bestanden</translation>
    </message>
    <message>
        <source>%1:%2:   the solution does not pass
</source>
        <translation>%1:%2:   die Lösung besteht nicht
</translation>
    </message>
    <message>
        <source>%1:%2:   the task passes untouched: it teaches nothing
</source>
        <translation>%1:%2:   die Aufgabe besteht schon unverändert: sie lehrt nichts
</translation>
    </message>
    <message>
        <source>Plays a Cache Lab lesson as a learner would and checks every task.</source>
        <translation>Spielt eine Cache-Lab-Lektion so durch, wie es Lernende täten, und prüft jede Aufgabe.</translation>
    </message>
    <message>
        <source>The lesson file (*.cls).</source>
        <translation>Die Lektionsdatei (*.cls).</translation>
    </message>
    <message>
        <source>Answer the predictions and tasks from FILE.json.</source>
        <translation>Die Vorhersagen und Aufgaben mit den Antworten aus FILE.json beantworten.</translation>
    </message>
    <message>
        <source>cachelab-cli lesson: %1
</source>
        <translation>cachelab-cli lesson: %1
</translation>
    </message>
    <message>
        <source>cachelab-cli lesson: expected exactly one lesson file, got %1
</source>
        <translation>cachelab-cli lesson: erwartet wurde genau eine Lektionsdatei, erhalten %1
</translation>
    </message>
    <message>
        <source>cachelab-cli lesson: --answers: %1
</source>
        <translation>cachelab-cli lesson: --answers: %1
</translation>
    </message>
    <message>
        <source>Run every point with N seeds, from --seed on, and report 95% confidence intervals (sweep: default 3).</source>
        <translation>Jeden Punkt mit N Seeds ab --seed ausführen und 95-%-Konfidenzintervalle angeben (sweep: Vorgabe 3).</translation>
    </message>
    <message>
        <source>Run on J threads (default: one per core); the results do not depend on it.</source>
        <translation>Auf J Threads laufen (Vorgabe: einer je Kern); die Ergebnisse hängen nicht davon ab.</translation>
    </message>
    <message>
        <source>--seeds: expected a whole number from 1 to 1000, got &quot;%1&quot;</source>
        <translation>--seeds: erwartet eine ganze Zahl von 1 bis 1000, erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>--jobs: expected a whole number from 1 to 256, got &quot;%1&quot;</source>
        <translation>--jobs: erwartet eine ganze Zahl von 1 bis 256, erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>Varies one setting and measures every chosen pattern at each value, over several seeds.</source>
        <translation>Verändert eine Einstellung und misst jedes gewählte Muster bei jedem Wert, über mehrere Seeds.</translation>
    </message>
    <message>
        <source>A pattern to measure, or all (repeatable; default all).</source>
        <translation>Ein zu messendes Muster, oder all (wiederholbar; Vorgabe all).</translation>
    </message>
    <message>
        <source>The setting to vary and its values: NAME=V1,V2,… or NAME=FROM..TO:N, with &quot;log&quot; after N for logarithmic steps. NAME is a pattern option (ttl, batch, …), write-ratio, keys, clients, rate, or latency.cache, latency.db, …</source>
        <translation>Die zu verändernde Einstellung und ihre Werte: NAME=V1,V2,… oder NAME=VON..BIS:N, mit &quot;log&quot; nach N für logarithmische Schritte. NAME ist eine Musteroption (ttl, batch, …), write-ratio, keys, clients, rate oder latency.cache, latency.db, …</translation>
    </message>
    <message>
        <source>cachelab-cli sweep: %1
</source>
        <translation>cachelab-cli sweep: %1
</translation>
    </message>
    <message>
        <source>unexpected argument &quot;%1&quot;</source>
        <translation>unerwartetes Argument &quot;%1&quot;</translation>
    </message>
    <message>
        <source>choose one of --json, --csv, --markdown</source>
        <translation>wähle eines von --json, --csv, --markdown</translation>
    </message>
    <message>
        <source>--vary is required, e.g. --vary ttl=1s..1h:12log</source>
        <translation>--vary ist nötig, z. B. --vary ttl=1s..1h:12log</translation>
    </message>
    <message>
        <source>--vary: a sweep varies one setting</source>
        <translation>--vary: ein Sweep verändert eine Einstellung</translation>
    </message>
    <message>
        <source>--pattern: expected all or one of cache-aside, write-through, write-behind, refresh-ahead, around, multi-level, circuit-breaker; got &quot;%1&quot;</source>
        <translation>--pattern: erwartet all oder eines von cache-aside, write-through, write-behind, refresh-ahead, around, multi-level, circuit-breaker; erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>--vary %1</source>
        <translation>--vary %1</translation>
    </message>
    <message numerus="yes">
        <source>%1: %2 of %n task(s) passed</source>
        <translation>
            <numerusform>%1: %2 von %n Aufgabe bestanden</numerusform>
            <numerusform>%1: %2 von %n Aufgaben bestanden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n expectation(s) held, %1 failed
</source>
        <translation>
            <numerusform>, %n Erwartung erfüllt, %1 nicht erfüllt
</numerusform>
            <numerusform>, %n Erwartungen erfüllt, %1 nicht erfüllt
</numerusform>
        </translation>
    </message>
    <message>
        <source>cannot write the acknowledgement log %1: %2</source>
        <translation>das Bestätigungsprotokoll %1 ist nicht schreibbar: %2</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n write(s)</source>
        <translation>
            <numerusform>%1: %n Schreibvorgang</numerusform>
            <numerusform>%1: %n Schreibvorgänge</numerusform>
        </translation>
    </message>
    <message>
        <source>Clear the prefix even when it holds durable write-behind queues with writes in them: those acknowledged writes are thrown away (without this, such a run refuses to start; --keep-cache replays them instead).</source>
        <translation>Das Präfix auch dann leeren, wenn es dauerhafte Write-behind-Warteschlangen mit Schreibvorgängen enthält: diese bestätigten Schreibvorgänge werden verworfen (ohne diese Option verweigert ein solcher Lauf den Start; --keep-cache holt sie stattdessen nach).</translation>
    </message>
    <message>
        <source>Append one JSON line per acknowledged write or delete to FILE (client, key, version, value or deleted, time_us), synced to disk before the acknowledgement counts.</source>
        <translation>Für jeden bestätigten Schreib- oder Löschvorgang eine JSON-Zeile an FILE anhängen (client, key, version, value oder deleted, time_us), auf die Platte geschrieben, bevor die Bestätigung zählt.</translation>
    </message>
    <message>
        <source>cachelab-cli run: %1 holds durable write-behind queues with acknowledged writes not yet in the database (%2). Run with --keep-cache to replay them, or with --discard-queue to throw them away.
</source>
        <translation>cachelab-cli run: %1 enthält dauerhafte Write-behind-Warteschlangen mit bestätigten Schreibvorgängen, die noch nicht in der Datenbank sind (%2). Mit --keep-cache starten, um sie nachzuholen, oder mit --discard-queue, um sie zu verwerfen.
</translation>
    </message>
    <message>
        <source>cachelab-cli run: --ack-log: cannot open %1: %2
</source>
        <translation>cachelab-cli run: --ack-log: %1 lässt sich nicht öffnen: %2
</translation>
    </message>
    <message>
        <source>cachelab-cli run: --db names your own table &quot;%1&quot;: a run starts by emptying its database, so add --keep-db to run on its rows as they are
</source>
        <translation>cachelab-cli run: --db nennt Ihre eigene Tabelle „%1“: ein Lauf leert zuerst seine Datenbank, also --keep-db angeben, um auf ihren Zeilen zu laufen, wie sie sind
</translation>
    </message>
    <message>
        <source>Use the database at URL: an SQLite file path, sqlite:///path, :memory: or postgresql://user@host/database (default: in memory).</source>
        <translation>Die Datenbank unter URL verwenden: ein SQLite-Dateipfad, sqlite:///pfad, :memory: oder postgresql://benutzer@host/datenbank (Standard: im Arbeitsspeicher).</translation>
    </message>
    <message>
        <source>Usage: cachelab-cli [--lang CODE] COMMAND [options]

Commands:
  run FILE       Run a scenario (*.cls) and check its expectations.
                 Options: --json, --mermaid OUT, --trace OUT, --db URL,
                 --redis URL, --prefix PREFIX, --keep-cache, --keep-db,
                 --max-events N
  lesson FILE    Play a lesson (*.cls) as a learner would and check its tasks.
                 Options: --answers FILE.json, --json

  simulate       Run a workload through one pattern and measure it.
                 Options: --pattern P, --option k=v, --requests N, --keys K,
                 --dist uniform|zipf:S|hot:X:Y, --write-ratio R, --clients C,
                 --seed S, --rate R, --crash-halfway, --json
  compare        Run one workload through every pattern; the same workload
                 options, --seeds N, --jobs J, and --json, --csv or --markdown.
  sweep          Vary one setting and measure every pattern at each value.
                 Options: --vary NAME=V1,V2,… or NAME=A..B:N[log], --pattern
                 P|all, --seeds N, --jobs J, the workload options, and --json,
                 --csv or --markdown.

  cachelab-cli COMMAND --help   shows the options of a command.

  --lang CODE    Speak CODE (en, de) instead of the locale&apos;s language.

Exit status: 0 every expectation held, 1 one failed, 2 invalid input.
</source>
        <translation>Aufruf: cachelab-cli [--lang CODE] BEFEHL [Optionen]

Befehle:
  run FILE       Ein Szenario (*.cls) ausführen und seine Erwartungen prüfen.
                 Optionen: --json, --mermaid OUT, --trace OUT, --db URL,
                 --redis URL, --prefix PREFIX, --keep-cache, --keep-db,
                 --max-events N
  lesson FILE    Eine Lektion (*.cls) wie Lernende durchspielen und ihre
                 Aufgaben prüfen.
                 Optionen: --answers FILE.json, --json

  simulate       Eine Last durch ein Muster schicken und sie messen.
                 Optionen: --pattern P, --option k=v, --requests N, --keys K,
                 --dist uniform|zipf:S|hot:X:Y, --write-ratio R, --clients C,
                 --seed S, --rate R, --crash-halfway, --json
  compare        Eine Last durch jedes Muster schicken; dieselben Lastoptionen,
                 --seeds N, --jobs J sowie --json, --csv oder --markdown.
  sweep          Eine Einstellung verändern und jedes Muster bei jedem Wert messen.
                 Optionen: --vary NAME=V1,V2,… oder NAME=A..B:N[log], --pattern
                 P|all, --seeds N, --jobs J, die Lastoptionen sowie --json,
                 --csv oder --markdown.

  cachelab-cli BEFEHL --help   zeigt die Optionen eines Befehls.

  --lang CODE    CODE (en, de) statt der Sprache des Gebietsschemas sprechen.

Beendigungsstatus: 0 alle Erwartungen erfüllt, 1 eine nicht erfüllt,
2 ungültige Eingabe.
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
Last: %1 Anfragen, %2 Schlüssel, %3, Schreibanteil %4, %n Instanz, Startwert %5; jede Instanz stürzt auf halbem Weg ab. „—“: Das Quellmaterial bewertet dieses Muster nicht.
</numerusform>
            <numerusform>
Last: %1 Anfragen, %2 Schlüssel, %3, Schreibanteil %4, %n Instanzen, Startwert %5; jede Instanz stürzt auf halbem Weg ab. „—“: Das Quellmaterial bewertet dieses Muster nicht.
</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DatabaseProxy</name>
    <message>
        <source>the database is down</source>
        <translation>die Datenbank ist ausgefallen</translation>
    </message>
</context>
<context>
    <name>DatabaseUrl</name>
    <message>
        <source>use a file path, sqlite:///path/to/file, :memory: or postgresql://user[:password]@host[:port]/database</source>
        <translation>einen Dateipfad, sqlite:///pfad/zur/datei, :memory: oder postgresql://benutzer[:passwort]@host[:port]/datenbank angeben</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: %2=%3 is not a plain table or column name (letters, digits and _, not starting with a digit)</source>
        <translation>„%1“: %2=%3 ist kein einfacher Tabellen- oder Spaltenname (Buchstaben, Ziffern und _, nicht mit einer Ziffer am Anfang)</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: connect_timeout must be a number of seconds from 1 to 600</source>
        <translation>„%1“: connect_timeout muss eine Zahl von Sekunden von 1 bis 600 sein</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: unknown parameter &quot;%2&quot; (use table, key, value and version to name your own table)</source>
        <translation>„%1“: unbekannter Parameter „%2“ (table, key, value und version benennen Ihre eigene Tabelle)</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: with table= name its key= and value= columns too</source>
        <translation>„%1“: mit table= auch die Spalten key= und value= angeben</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: key=, value= and version= name columns of a table: add table=</source>
        <translation>„%1“: key=, value= und version= benennen Spalten einer Tabelle: table= ergänzen</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a database: %2</source>
        <translation>„%1“ ist keine Datenbank: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid SQLite URL: write sqlite:///absolute/path or sqlite:relative/path</source>
        <translation>„%1“ ist keine gültige SQLite-URL: sqlite:///absoluter/pfad oder sqlite:relativer/pfad schreiben</translation>
    </message>
    <message>
        <source>&quot;%1&quot; names no file: %2</source>
        <translation>„%1“ nennt keine Datei: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid PostgreSQL URL: write postgresql://user[:password]@host[:port]/database</source>
        <translation>„%1“ ist keine gültige PostgreSQL-URL: postgresql://benutzer[:passwort]@host[:port]/datenbank schreiben</translation>
    </message>
    <message>
        <source>&quot;%1&quot; names no host: write postgresql://user[:password]@host[:port]/database</source>
        <translation>„%1“ nennt keinen Host: postgresql://benutzer[:passwort]@host[:port]/datenbank schreiben</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has no valid port</source>
        <translation>„%1“ hat keinen gültigen Port</translation>
    </message>
    <message>
        <source>&quot;%1&quot; names no database: add it after the slash, as in postgresql://ann@localhost/shop</source>
        <translation>„%1“ nennt keine Datenbank: sie nach dem Schrägstrich angeben, wie in postgresql://ann@localhost/shop</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: Cache Lab knows no database of the kind &quot;%2&quot;: %3 (a file whose name has a colon: write ./%1)</source>
        <translation>„%1“: Cache Lab kennt keine Datenbank der Art „%2“: %3 (eine Datei mit Doppelpunkt im Namen: ./%1 schreiben)</translation>
    </message>
</context>
<context>
    <name>DiagramExport</name>
    <message>
        <source>Cache Lab sequence diagram</source>
        <translation>Cache-Lab-Sequenzdiagramm</translation>
    </message>
    <message>
        <source>Messages between the application, its caches and the database.</source>
        <translation>Nachrichten zwischen der Anwendung, ihren Caches und der Datenbank.</translation>
    </message>
    <message>
        <source>Cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>The diagram is too large for one picture; export it as SVG.</source>
        <translation>Das Diagramm ist zu groß für ein Bild; als SVG exportieren.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>&quot;%1&quot; is longer than 100 years, the longest duration Cache Lab accepts (876000h)</source>
        <translation>„%1“ ist länger als 100 Jahre, die längste Dauer, die Cache Lab annimmt (876000h)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a duration (write an integer and a unit: 500us, 5ms, 2s, 3m, 1h)</source>
        <translation>„%1“ ist keine Dauer (eine ganze Zahl und eine Einheit schreiben: 500us, 5ms, 2s, 3m, 1h)</translation>
    </message>
</context>
<context>
    <name>KeyDistribution</name>
    <message>
        <source>write uniform, zipf:S (such as zipf:0.99) or hot:X:Y (X%% of the keys get Y%% of the requests, such as hot:10:90)</source>
        <translation>uniform, zipf:S (etwa zipf:0.99) oder hot:X:Y schreiben (X%% der Schlüssel bekommen Y%% der Anfragen, etwa hot:10:90)</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: the Zipf exponent must be a number above 0 (such as 0.99)</source>
        <translation>„%1“: der Zipf-Exponent muss eine Zahl über 0 sein (etwa 0.99)</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: hot:X:Y needs 0 &lt; X &lt; 100 and 0 &lt;= Y &lt;= 100</source>
        <translation>„%1“: hot:X:Y braucht 0 &lt; X &lt; 100 und 0 &lt;= Y &lt;= 100</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a key distribution: %2</source>
        <translation>„%1“ ist keine Schlüsselverteilung: %2</translation>
    </message>
</context>
<context>
    <name>Lab</name>
    <message>
        <source>the instance crashed before the operation finished</source>
        <translation>die Instanz ist abgestürzt, bevor die Operation fertig war</translation>
    </message>
    <message>
        <source>stale: got v%1, the database has v%2</source>
        <translation>veraltet: v%1 erhalten, die Datenbank hat v%2</translation>
    </message>
    <message>
        <source>stale: got nothing, the database has v%1</source>
        <translation>veraltet: nichts erhalten, die Datenbank hat v%1</translation>
    </message>
    <message>
        <source>the cache is down</source>
        <translation>der Cache ist ausgefallen</translation>
    </message>
    <message>
        <source>the cache is back</source>
        <translation>der Cache ist wieder da</translation>
    </message>
    <message>
        <source>the database is down</source>
        <translation>die Datenbank ist ausgefallen</translation>
    </message>
    <message>
        <source>the database is back</source>
        <translation>die Datenbank ist wieder da</translation>
    </message>
    <message>
        <source>crashed and restarted: in-process state is gone</source>
        <translation>abgestürzt und neu gestartet: der Zustand im Prozess ist weg</translation>
    </message>
    <message>
        <source>another system wrote %1 = %2 (v%3)</source>
        <translation>ein anderes System schrieb %1 = %2 (v%3)</translation>
    </message>
    <message>
        <source>another system deleted %1</source>
        <translation>ein anderes System löschte %1</translation>
    </message>
    <message numerus="yes">
        <source>seeded %n row(s): item:1 …</source>
        <translation>
            <numerusform>%n Zeile angelegt: item:1 …</numerusform>
            <numerusform>%n Zeilen angelegt: item:1 …</numerusform>
        </translation>
    </message>
    <message>
        <source>dirty: got v%1, which the database never committed</source>
        <translation>schmutzig: v%1 erhalten, die die Datenbank nie festgeschrieben hat</translation>
    </message>
    <message>
        <source>the cache is full: writes fail, reads work</source>
        <translation>der Cache ist voll: Schreiben schlägt fehl, Lesen geht</translation>
    </message>
    <message>
        <source>the cache takes writes again</source>
        <translation>der Cache nimmt wieder Schreibvorgänge an</translation>
    </message>
</context>
<context>
    <name>LabText</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>t = %1 s</source>
        <translation>t = %1 s</translation>
    </message>
</context>
<context>
    <name>LessonEvidence</name>
    <message>
        <source>the reveal cannot decide the %1 prediction on line %2: no read of client %3 completed between them</source>
        <translation>reveal kann die %1-Vorhersage in Zeile %2 nicht entscheiden: dazwischen wurde kein Lesezugriff von Client %3 abgeschlossen</translation>
    </message>
    <message>
        <source>the breaker prediction on line %1 has no breaker to look at: the pattern is not circuit-breaker</source>
        <translation>die breaker-Vorhersage in Zeile %1 hat keinen Breaker, den sie ansehen könnte: das Muster ist nicht circuit-breaker</translation>
    </message>
</context>
<context>
    <name>LessonParser</name>
    <message>
        <source>the task has no `end task` line</source>
        <translation>die Aufgabe hat keine Zeile `end task`</translation>
    </message>
    <message>
        <source>this prediction is never revealed: add a `reveal` line after the commands that decide it</source>
        <translation>diese Vorhersage wird nie aufgelöst: nach den Befehlen, die sie entscheiden, eine Zeile `reveal` ergänzen</translation>
    </message>
    <message>
        <source>a lesson needs a `lesson TITLE` line before its pattern line</source>
        <translation>eine Lektion braucht vor ihrer pattern-Zeile eine Zeile `lesson TITEL`</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a client: clients are named by one capital letter (A, B, C, …)</source>
        <translation>„%1“ ist kein Client: Clients heißen nach einem Großbuchstaben (A, B, C, …)</translation>
    </message>
    <message>
        <source>as can prefix a goal or a prediction, not %1</source>
        <translation>as darf nur vor einem Ziel oder einer Vorhersage stehen, nicht vor %1</translation>
    </message>
    <message>
        <source>%1 must come before the first operation (line %2)</source>
        <translation>%1 muss vor der ersten Operation stehen (Zeile %2)</translation>
    </message>
    <message>
        <source>say needs the text to show: say TEXT</source>
        <translation>say braucht den anzuzeigenden Text: say TEXT</translation>
    </message>
    <message>
        <source>goal needs an expectation, e.g. goal metric db.reads = 1</source>
        <translation>goal braucht eine Erwartung, z. B. goal metric db.reads = 1</translation>
    </message>
    <message>
        <source>hint needs the text to show: hint TEXT</source>
        <translation>hint braucht den anzuzeigenden Text: hint TEXT</translation>
    </message>
    <message>
        <source>solution: %1</source>
        <translation>solution: %1</translation>
    </message>
    <message>
        <source>as cannot prefix lesson</source>
        <translation>as darf nicht vor lesson stehen</translation>
    </message>
    <message>
        <source>the lesson line is already on line %1</source>
        <translation>die lesson-Zeile steht schon in Zeile %1</translation>
    </message>
    <message>
        <source>lesson must come before the pattern line (line %1)</source>
        <translation>lesson muss vor der pattern-Zeile stehen (Zeile %1)</translation>
    </message>
    <message>
        <source>lesson needs a title: lesson TITLE</source>
        <translation>lesson braucht einen Titel: lesson TITEL</translation>
    </message>
    <message>
        <source>unknown prediction &quot;%1&quot; (expected hit, result, stale, metric, cache, db, breaker or queue)</source>
        <translation>unbekannte Vorhersage „%1“ (erwartet: hit, result, stale, metric, cache, db, breaker oder queue)</translation>
    </message>
    <message>
        <source>a %1 prediction belongs to no client: drop `as %2`</source>
        <translation>eine %1-Vorhersage gehört zu keinem Client: `as %2` weglassen</translation>
    </message>
    <message>
        <source>as can be given only once per line</source>
        <translation>as darf nur einmal pro Zeile stehen</translation>
    </message>
    <message>
        <source>a %1 prediction belongs to no client: drop `as`</source>
        <translation>eine %1-Vorhersage gehört zu keinem Client: `as` weglassen</translation>
    </message>
    <message>
        <source>predict metric needs a counter: predict metric db.reads QUESTION</source>
        <translation>predict metric braucht einen Zähler: predict metric db.reads FRAGE</translation>
    </message>
    <message>
        <source>unknown metric &quot;%1&quot;</source>
        <translation>unbekannte Metrik „%1“</translation>
    </message>
    <message>
        <source>predict %1 needs a key: predict %1 KEY QUESTION</source>
        <translation>predict %1 braucht einen Schlüssel: predict %1 KEY FRAGE</translation>
    </message>
    <message>
        <source>predict needs a question for the learner at the end of the line</source>
        <translation>predict braucht am Zeilenende eine Frage an die Lernenden</translation>
    </message>
    <message>
        <source>unexpected &quot;%1&quot; after reveal</source>
        <translation>unerwartetes „%1“ nach reveal</translation>
    </message>
    <message>
        <source>reveal has no open prediction to decide (add a `predict` line above)</source>
        <translation>reveal hat keine offene Vorhersage zu entscheiden (darüber eine Zeile `predict` ergänzen)</translation>
    </message>
    <message>
        <source>the prediction on line %1 must be revealed before the task (add `reveal` above)</source>
        <translation>die Vorhersage in Zeile %1 muss vor der Aufgabe aufgelöst werden (darüber `reveal` ergänzen)</translation>
    </message>
    <message>
        <source>task needs the text to show the learner: task TEXT</source>
        <translation>task braucht den Text, der den Lernenden gezeigt wird: task TEXT</translation>
    </message>
    <message>
        <source>end closes a task: end task</source>
        <translation>end schließt eine Aufgabe: end task</translation>
    </message>
    <message>
        <source>end task without a task to close</source>
        <translation>end task ohne eine Aufgabe, die zu schließen wäre</translation>
    </message>
    <message>
        <source>the task on line %1 has no goal: add `goal EXPECTATION` lines</source>
        <translation>die Aufgabe in Zeile %1 hat kein Ziel: Zeilen `goal ERWARTUNG` ergänzen</translation>
    </message>
    <message>
        <source>the task on line %1 has no solution: add `solution SETTING` lines</source>
        <translation>die Aufgabe in Zeile %1 hat keine Lösung: Zeilen `solution EINSTELLUNG` ergänzen</translation>
    </message>
    <message>
        <source>solution %1: %2</source>
        <translation>solution %1: %2</translation>
    </message>
    <message>
        <source>allow clients takes nothing after it</source>
        <translation>nach allow clients darf nichts mehr stehen</translation>
    </message>
    <message>
        <source>allow needs option NAME …, latency PART …, clients or pattern NAME …</source>
        <translation>allow braucht option NAME …, latency TEIL …, clients oder pattern NAME …</translation>
    </message>
    <message>
        <source>allow %1 needs at least one name</source>
        <translation>allow %1 braucht mindestens einen Namen</translation>
    </message>
    <message>
        <source>unknown pattern &quot;%1&quot;</source>
        <translation>unbekanntes Muster „%1“</translation>
    </message>
    <message>
        <source>%1 belongs inside a task (between `task TEXT` and `end task`)</source>
        <translation>%1 gehört in eine Aufgabe (zwischen `task TEXT` und `end task`)</translation>
    </message>
    <message>
        <source>%1 cannot stand inside a task (the task on line %2 is still open: close it with `end task`)</source>
        <translation>%1 darf nicht in einer Aufgabe stehen (die Aufgabe in Zeile %2 ist noch offen: mit `end task` schließen)</translation>
    </message>
    <message numerus="yes">
        <source>client %1 does not exist: the lesson has %n client(s)</source>
        <translation>
            <numerusform>Client %1 gibt es nicht: die Lektion hat %n Client</numerusform>
            <numerusform>Client %1 gibt es nicht: die Lektion hat %n Clients</numerusform>
        </translation>
    </message>
    <message>
        <source>allow option: no pattern of this task has an option &quot;%1&quot;</source>
        <translation>allow option: kein Muster dieser Aufgabe hat eine Option „%1“</translation>
    </message>
    <message>
        <source>solution %1</source>
        <translation>solution %1</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 lässt sich nicht öffnen: %2</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 lässt sich nicht lesen: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a lesson</source>
        <translation>%1 ist zu groß für eine Lektion</translation>
    </message>
    <message>
        <source>%1 is a binary file, not a lesson</source>
        <translation>%1 ist eine Binärdatei, keine Lektion</translation>
    </message>
    <message>
        <source>%1 is not UTF-8 text (save it as UTF-8 and try again)</source>
        <translation>%1 ist kein UTF-8-Text (als UTF-8 speichern und erneut versuchen)</translation>
    </message>
</context>
<context>
    <name>LessonPlay</name>
    <message>
        <source>%1 answers for %2: the lesson has %3</source>
        <translation>%1 Antworten für %2: die Lektion hat %3</translation>
    </message>
    <message>
        <source>task %1 (line %2)</source>
        <translation>Aufgabe %1 (Zeile %2)</translation>
    </message>
</context>
<context>
    <name>LessonProgress</name>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 kann nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1: not JSON (%2 at byte %3)</source>
        <translation>%1: kein JSON (%2 bei Byte %3)</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>%1 is not a Cache Lab lesson record (no &quot;format&quot;: &quot;%2&quot;)</source>
        <translation>%1 ist kein Lernstand von Cache Lab (kein &quot;format&quot;: &quot;%2&quot;)</translation>
    </message>
    <message>
        <source>%1: version %2 of the lesson record is not known to this Cache Lab</source>
        <translation>%1: Version %2 des Lernstands kennt dieses Cache Lab nicht</translation>
    </message>
    <message>
        <source>%1: a lesson without an &quot;id&quot;</source>
        <translation>%1: eine Lektion ohne &quot;id&quot;</translation>
    </message>
    <message>
        <source>Lesson record</source>
        <translation>Lernstand</translation>
    </message>
    <message>
        <source>Lesson record of %1</source>
        <translation>Lernstand von %1</translation>
    </message>
    <message>
        <source>Exported %1</source>
        <translation>Exportiert am %1</translation>
    </message>
    <message>
        <source>No lesson started yet.</source>
        <translation>Noch keine Lektion begonnen.</translation>
    </message>
    <message numerus="yes">
        <source>Finished (%n time(s)).</source>
        <translation>
            <numerusform>Abgeschlossen (%n Mal).</numerusform>
            <numerusform>Abgeschlossen (%n Mal).</numerusform>
        </translation>
    </message>
    <message>
        <source>Not finished yet.</source>
        <translation>Noch nicht abgeschlossen.</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n prediction(s) right.</source>
        <translation>
            <numerusform>%1 von %n Vorhersage richtig.</numerusform>
            <numerusform>%1 von %n Vorhersagen richtig.</numerusform>
        </translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Truth</source>
        <translation>Tatsächlich</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>right</source>
        <translation>richtig</translation>
    </message>
    <message>
        <source>wrong</source>
        <translation>falsch</translation>
    </message>
    <message>
        <source>solution shown</source>
        <translation>Lösung angezeigt</translation>
    </message>
    <message>
        <source>passed</source>
        <translation>bestanden</translation>
    </message>
    <message>
        <source>not passed yet</source>
        <translation>noch nicht bestanden</translation>
    </message>
    <message>
        <source>Task:</source>
        <translation>Aufgabe:</translation>
    </message>
    <message numerus="yes">
        <source>%n check(s), %1.</source>
        <translation>
            <numerusform>%n Prüfung, %1.</numerusform>
            <numerusform>%n Prüfungen, %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Settings: %1</source>
        <translation>Einstellungen: %1</translation>
    </message>
    <message>
        <source>Right?</source>
        <translation>Richtig?</translation>
    </message>
</context>
<context>
    <name>LessonRunner</name>
    <message>
        <source>the lesson is not at a task</source>
        <translation>die Lektion steht gerade bei keiner Aufgabe</translation>
    </message>
</context>
<context>
    <name>LessonSettings</name>
    <message>
        <source>a setting is empty (write e.g. ttl=5s, latency db=20ms, clients 2 or pattern write-through)</source>
        <translation>eine Einstellung ist leer (z. B. ttl=5s, latency db=20ms, clients 2 oder pattern write-through schreiben)</translation>
    </message>
    <message>
        <source>latency needs at least one PART=DURATION, e.g. latency db=20ms</source>
        <translation>latency braucht mindestens ein TEIL=DAUER, z. B. latency db=20ms</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a latency setting: write PART=DURATION, e.g. db=20ms</source>
        <translation>„%1“ ist keine Latenzangabe: TEIL=DAUER schreiben, z. B. db=20ms</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a duration (write an integer and a unit: 500us, 5ms, 2s, 3m, 1h)</source>
        <translation>„%1“ ist keine Dauer (eine ganze Zahl und eine Einheit schreiben: 500us, 5ms, 2s, 3m, 1h)</translation>
    </message>
    <message>
        <source>clients needs one number from 1 to %1: clients 2</source>
        <translation>clients braucht eine Zahl von 1 bis %1: clients 2</translation>
    </message>
    <message>
        <source>pattern needs one pattern name, e.g. pattern write-through</source>
        <translation>pattern braucht einen Musternamen, z. B. pattern write-through</translation>
    </message>
    <message>
        <source>the task does not allow changing %1</source>
        <translation>die Aufgabe erlaubt nicht, %1 zu ändern</translation>
    </message>
    <message>
        <source>the task does not allow changing latency %1</source>
        <translation>die Aufgabe erlaubt nicht, latency %1 zu ändern</translation>
    </message>
    <message>
        <source>the task does not allow changing the number of clients</source>
        <translation>die Aufgabe erlaubt nicht, die Anzahl der Clients zu ändern</translation>
    </message>
    <message>
        <source>the task does not allow the pattern %1</source>
        <translation>die Aufgabe erlaubt das Muster %1 nicht</translation>
    </message>
    <message>
        <source>the lesson&apos;s commands use %1 clients; clients %2 would remove some</source>
        <translation>die Befehle der Lektion verwenden %1 Clients; clients %2 würde einige davon entfernen</translation>
    </message>
</context>
<context>
    <name>LessonWindow</name>
    <message>
        <source>hit</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>miss</source>
        <translation>Fehlschlag</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>open</source>
        <translation>offen</translation>
    </message>
    <message>
        <source>half-open</source>
        <translation>halb offen</translation>
    </message>
</context>
<context>
    <name>MeasureText</name>
    <message>
        <source>hit ratio</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <source>stale reads (share of reads)</source>
        <translation>veraltete Lesezugriffe (Anteil der Lesezugriffe)</translation>
    </message>
    <message>
        <source>database reads per 1,000 operations</source>
        <translation>Datenbank-Lesezugriffe je 1.000 Operationen</translation>
    </message>
    <message>
        <source>database writes per 1,000 operations</source>
        <translation>Datenbank-Schreibzugriffe je 1.000 Operationen</translation>
    </message>
    <message>
        <source>read p50 (ms)</source>
        <translation>Lesen p50 (ms)</translation>
    </message>
    <message>
        <source>read p99 (ms)</source>
        <translation>Lesen p99 (ms)</translation>
    </message>
    <message>
        <source>write p50 (ms)</source>
        <translation>Schreiben p50 (ms)</translation>
    </message>
    <message>
        <source>write p99 (ms)</source>
        <translation>Schreiben p99 (ms)</translation>
    </message>
    <message>
        <source>writes lost at the crash</source>
        <translation>beim Absturz verlorene Schreibzugriffe</translation>
    </message>
</context>
<context>
    <name>MemoryDatabase</name>
    <message>
        <source>in-memory table</source>
        <translation>Tabelle im Arbeitsspeicher</translation>
    </message>
</context>
<context>
    <name>MemoryStore</name>
    <message>
        <source>embedded store</source>
        <translation>eingebauter Speicher</translation>
    </message>
</context>
<context>
    <name>PatternCatalog</name>
    <message>
        <source>Cache-aside</source>
        <translation>Cache-aside</translation>
    </message>
    <message>
        <source>Write-through</source>
        <translation>Write-through</translation>
    </message>
    <message>
        <source>Write-behind</source>
        <translation>Write-behind</translation>
    </message>
    <message>
        <source>Refresh-ahead</source>
        <translation>Refresh-ahead</translation>
    </message>
    <message>
        <source>Around</source>
        <translation>Around</translation>
    </message>
    <message>
        <source>Multi-level</source>
        <translation>Mehrstufig</translation>
    </message>
    <message>
        <source>Circuit breaker</source>
        <translation>Schutzschalter</translation>
    </message>
    <message>
        <source>The application asks the cache first. On a miss it reads the row from the database and leaves a copy in the cache for next time. A write goes to the database, then deletes the cached copy.</source>
        <translation>Die Anwendung fragt zuerst den Cache. Bei einem Miss liest sie die Zeile aus der Datenbank und legt eine Kopie für das nächste Mal in den Cache. Ein Schreibvorgang geht an die Datenbank und löscht danach die Kopie im Cache.</translation>
    </message>
    <message>
        <source>The first read of every key pays for the database. Many readers missing the same key at once all go to the database (a stampede). A slow reader can put an old row back after a writer deleted it, and that stale copy lives until its TTL ends.</source>
        <translation>Der erste Lesezugriff auf jeden Schlüssel bezahlt die Datenbank. Verfehlen viele Leser denselben Schlüssel zugleich, gehen alle zur Datenbank (ein Ansturm). Ein langsamer Leser kann eine alte Zeile zurücklegen, nachdem ein Schreiber sie gelöscht hat, und diese veraltete Kopie lebt, bis ihre TTL endet.</translation>
    </message>
    <message>
        <source>The default choice for read-heavy data when a little staleness is acceptable, and when the application must keep working without its cache.</source>
        <translation>Die Standardwahl für viel gelesene Daten, wenn etwas Veralten hinnehmbar ist und die Anwendung auch ohne ihren Cache weiterarbeiten muss.</translation>
    </message>
    <message>
        <source>Every write goes to the database and, once it has committed, into the cache with its new version. Reads look in the cache first, as in cache-aside.</source>
        <translation>Jeder Schreibvorgang geht an die Datenbank und, sobald sie gespeichert hat, mit der neuen Version in den Cache. Lesende schauen zuerst in den Cache, wie bei Cache-aside.</translation>
    </message>
    <message>
        <source>Writes wait for two round trips. Two writers racing can leave the older value in the cache. Data that is written but never read still fills the cache.</source>
        <translation>Schreibvorgänge warten auf zwei Rundreisen. Zwei konkurrierende Schreiber können den älteren Wert im Cache zurücklassen. Daten, die geschrieben, aber nie gelesen werden, füllen trotzdem den Cache.</translation>
    </message>
    <message>
        <source>Data that is read soon after it is written and must not be served old: profiles, settings, balances.</source>
        <translation>Daten, die bald nach dem Schreiben gelesen werden und nicht veraltet ausgeliefert werden dürfen: Profile, Einstellungen, Kontostände.</translation>
    </message>
    <message>
        <source>A write goes into the cache and a queue in the application, and is acknowledged at once. The queue is written to the database later, in batches, when it is full or when the flush interval comes round.</source>
        <translation>Ein Schreibvorgang landet im Cache und in einer Warteschlange der Anwendung und wird sofort bestätigt. Die Warteschlange wird später stapelweise in die Datenbank geschrieben, wenn sie voll ist oder das Schreibintervall abgelaufen ist.</translation>
    </message>
    <message>
        <source>The fastest writes and the fewest database round trips, but the database lags behind. When the process dies, everything still in a volatile queue is lost although the user was told it was saved. A durable queue survives, at the price of writing some rows twice.</source>
        <translation>Die schnellsten Schreibvorgänge und die wenigsten Datenbank-Rundreisen, aber die Datenbank hinkt hinterher. Stirbt der Prozess, ist alles in einer flüchtigen Warteschlange verloren, obwohl dem Benutzer das Speichern bestätigt wurde. Eine dauerhafte Warteschlange überlebt, um den Preis, manche Zeilen zweimal zu schreiben.</translation>
    </message>
    <message>
        <source>High write rates where losing or delaying a few writes is tolerable: counters, activity streams, telemetry.</source>
        <translation>Hohe Schreibraten, bei denen der Verlust oder die Verzögerung einiger Schreibvorgänge verkraftbar ist: Zähler, Aktivitätsströme, Telemetrie.</translation>
    </message>
    <message>
        <source>Reads work like cache-aside, but a read that finds an entry close to the end of its TTL asks a background refresher to load it again. Hot keys are renewed before they expire, so their readers never wait for the database.</source>
        <translation>Lesen funktioniert wie bei Cache-aside, doch ein Lesevorgang, der einen Eintrag kurz vor dem Ende seiner TTL findet, bittet einen Auffrischer im Hintergrund, ihn neu zu laden. Heiße Schlüssel werden vor ihrem Ablauf erneuert, ihre Leser warten also nie auf die Datenbank.</translation>
    </message>
    <message>
        <source>Extra database reads for keys that would not have been read again. Entries are still only as fresh as the last refresh. Cold keys gain nothing.</source>
        <translation>Zusätzliche Datenbankzugriffe für Schlüssel, die nicht mehr gelesen worden wären. Einträge sind trotzdem nur so frisch wie die letzte Auffrischung. Kalte Schlüssel gewinnen nichts.</translation>
    </message>
    <message>
        <source>A small set of hot keys that change slowly: home pages, popular products, configuration.</source>
        <translation>Eine kleine Menge heißer Schlüssel, die sich langsam ändern: Startseiten, beliebte Produkte, Konfiguration.</translation>
    </message>
    <message>
        <source>Around (memoizing decorator)</source>
        <translation>Around (memoisierender Dekorator)</translation>
    </message>
    <message>
        <source>A wrapper around a function caches its results. The key is built from a prefix, the function&apos;s name and a stable hash of its arguments, so equal calls share one entry and one call can be invalidated on its own.</source>
        <translation>Eine Hülle um eine Funktion cacht deren Ergebnisse. Der Schlüssel entsteht aus einem Präfix, dem Funktionsnamen und einem stabilen Hash der Argumente, sodass gleiche Aufrufe einen Eintrag teilen und ein einzelner Aufruf für sich invalidiert werden kann.</translation>
    </message>
    <message>
        <source>Invisible to callers, which is also its risk: nobody sees what is cached or for how long. The invalidation must build exactly the same key as the lookup, or it deletes nothing.</source>
        <translation>Für Aufrufer unsichtbar, und genau das ist das Risiko: niemand sieht, was wie lange gecacht ist. Die Invalidierung muss exakt denselben Schlüssel bilden wie die Suche, sonst löscht sie nichts.</translation>
    </message>
    <message>
        <source>Expensive, pure-ish functions and reports, added without touching the code that calls them.</source>
        <translation>Teure, weitgehend reine Funktionen und Berichte, nachgerüstet, ohne den aufrufenden Code anzufassen.</translation>
    </message>
    <message>
        <source>Multi-level (L1 + L2)</source>
        <translation>Mehrstufig (L1 + L2)</translation>
    </message>
    <message>
        <source>Each application instance keeps a small cache in its own memory (L1) in front of the shared cache (L2). A write tells every instance to drop its L1 copy through a publish/subscribe channel.</source>
        <translation>Jede Anwendungsinstanz hält einen kleinen Cache im eigenen Speicher (L1) vor dem gemeinsamen Cache (L2). Ein Schreibvorgang fordert über einen Publish/Subscribe-Kanal jede Instanz auf, ihre L1-Kopie zu verwerfen.</translation>
    </message>
    <message>
        <source>L1 hits cost nothing, but every instance holds its own copy. If an invalidation is lost or switched off, other instances serve the old value until their L1 TTL ends.</source>
        <translation>L1-Treffer kosten nichts, aber jede Instanz hält ihre eigene Kopie. Geht eine Invalidierung verloren oder ist sie abgeschaltet, liefern andere Instanzen den alten Wert, bis ihre L1-TTL endet.</translation>
    </message>
    <message>
        <source>Very hot keys read by many instances, where even a network round trip to the shared cache is too slow.</source>
        <translation>Sehr heiße Schlüssel, die viele Instanzen lesen und bei denen schon eine Netzwerk-Rundreise zum gemeinsamen Cache zu langsam ist.</translation>
    </message>
    <message>
        <source>Cache with a circuit breaker</source>
        <translation>Cache mit Schutzschalter</translation>
    </message>
    <message>
        <source>Cache-aside behind a breaker. After several cache failures in a row the breaker opens and reads go straight to the database. After a timeout one trial call is let through: success closes the breaker, failure opens it again.</source>
        <translation>Cache-aside hinter einem Schutzschalter. Nach mehreren Cache-Fehlern in Folge öffnet der Schalter, und Lesevorgänge gehen direkt zur Datenbank. Nach einer Wartezeit darf ein Probeaufruf durch: Erfolg schließt den Schalter, ein Fehler öffnet ihn wieder.</translation>
    </message>
    <message>
        <source>While open, every read loads the database, so it must be able to take the load. Too low a threshold opens on a hiccup; too high keeps readers waiting on a dead cache.</source>
        <translation>Solange er offen ist, belastet jeder Lesevorgang die Datenbank, die das aushalten muss. Eine zu niedrige Schwelle öffnet beim kleinsten Schluckauf; eine zu hohe lässt Leser auf einen toten Cache warten.</translation>
    </message>
    <message>
        <source>Any cache that can fail or slow down without taking the application with it.</source>
        <translation>Jeder Cache, der ausfallen oder langsam werden kann, ohne die Anwendung mitzureißen.</translation>
    </message>
</context>
<context>
    <name>PatternOptions</name>
    <message>
        <source>How long a cached entry lives.</source>
        <translation>Wie lange ein Eintrag im Cache lebt.</translation>
    </message>
    <message>
        <source>Each TTL is drawn uniformly within ± this share, so keys cached together do not all expire together.</source>
        <translation>Jede TTL wird gleichverteilt innerhalb von ± diesem Anteil gewählt, damit gemeinsam gecachte Schlüssel nicht alle gleichzeitig ablaufen.</translation>
    </message>
    <message>
        <source>Concurrent misses of one key in one instance share a single load.</source>
        <translation>Gleichzeitige Fehlzugriffe auf einen Schlüssel in einer Instanz teilen sich einen einzigen Ladevorgang.</translation>
    </message>
    <message>
        <source>How long a missing row is remembered as missing (0s: not at all).</source>
        <translation>Wie lange eine fehlende Zeile als fehlend gemerkt wird (0s: gar nicht).</translation>
    </message>
    <message>
        <source>A queue this long is flushed at once.</source>
        <translation>Eine so lange Warteschlange wird sofort geschrieben.</translation>
    </message>
    <message>
        <source>Otherwise the queue is flushed this often.</source>
        <translation>Sonst wird die Warteschlange in diesem Abstand geschrieben.</translation>
    </message>
    <message>
        <source>A newer write of a queued key replaces the older one.</source>
        <translation>Ein neuerer Schreibvorgang eines wartenden Schlüssels ersetzt den älteren.</translation>
    </message>
    <message>
        <source>The queue lives in the shared cache, survives a crash and is replayed on restart.</source>
        <translation>Die Warteschlange liegt im gemeinsamen Cache, übersteht einen Absturz und wird beim Neustart nachgeholt.</translation>
    </message>
    <message>
        <source>A failed flush is retried this many times; then its writes are lost.</source>
        <translation>Ein fehlgeschlagenes Schreiben wird so oft wiederholt; danach sind seine Schreibvorgänge verloren.</translation>
    </message>
    <message>
        <source>Refresh once this share of the TTL has passed.</source>
        <translation>Auffrischen, sobald dieser Anteil der TTL vergangen ist.</translation>
    </message>
    <message>
        <source>Only keys read at least this often are refreshed.</source>
        <translation>Nur Schlüssel, die mindestens so oft gelesen wurden, werden aufgefrischt.</translation>
    </message>
    <message>
        <source>How long an entry lives in an instance&apos;s own L1.</source>
        <translation>Wie lange ein Eintrag im eigenen L1 einer Instanz lebt.</translation>
    </message>
    <message>
        <source>How long an entry lives in the shared cache (L2).</source>
        <translation>Wie lange ein Eintrag im gemeinsamen Cache (L2) lebt.</translation>
    </message>
    <message>
        <source>Entries an L1 holds before it evicts the least recently used.</source>
        <translation>Einträge, die ein L1 hält, bevor es den am längsten nicht genutzten verdrängt.</translation>
    </message>
    <message>
        <source>A write in one instance evicts the key from every instance&apos;s L1.</source>
        <translation>Ein Schreibvorgang in einer Instanz entfernt den Schlüssel aus dem L1 jeder Instanz.</translation>
    </message>
    <message>
        <source>Consecutive cache failures that open the breaker.</source>
        <translation>Aufeinanderfolgende Cache-Fehler, nach denen der Schutzschalter öffnet.</translation>
    </message>
    <message>
        <source>How long the breaker stays open before it lets one trial call through.</source>
        <translation>Wie lange der Schutzschalter offen bleibt, bevor er einen Probeaufruf durchlässt.</translation>
    </message>
    <message>
        <source>Put before the function name and argument hash in each cache key.</source>
        <translation>Steht in jedem Cache-Schlüssel vor dem Funktionsnamen und dem Hash der Argumente.</translation>
    </message>
    <message>
        <source>expected on or off, got &quot;%1&quot;</source>
        <translation>erwartet on oder off, erhalten: „%1“</translation>
    </message>
    <message>
        <source>expected a whole number of at least %1, got &quot;%2&quot;</source>
        <translation>erwartet eine ganze Zahl von mindestens %1, erhalten: „%2“</translation>
    </message>
    <message>
        <source>expected a percentage such as 10%, got &quot;%1&quot;</source>
        <translation>erwartet einen Prozentwert wie 10%, erhalten: „%1“</translation>
    </message>
    <message>
        <source>expected a percentage from 0% to 100%, got &quot;%1&quot;</source>
        <translation>erwartet einen Prozentwert von 0% bis 100%, erhalten: „%1“</translation>
    </message>
    <message>
        <source>expected a number between 0 and 1 (such as 0.8), got &quot;%1&quot;</source>
        <translation>erwartet eine Zahl zwischen 0 und 1 (etwa 0.8), erhalten: „%1“</translation>
    </message>
    <message>
        <source>flush must be longer than 0s</source>
        <translation>flush muss länger als 0s sein</translation>
    </message>
    <message>
        <source>a prefix cannot contain spaces</source>
        <translation>ein Präfix darf keine Leerzeichen enthalten</translation>
    </message>
    <message>
        <source>the %1 pattern has no option &quot;%2&quot;</source>
        <translation>das Muster %1 hat keine Option „%2“</translation>
    </message>
    <message>
        <source>option %1: %2</source>
        <translation>Option %1: %2</translation>
    </message>
    <message>
        <source>unknown option &quot;%1&quot; (the %2 pattern has: %3)</source>
        <translation>unbekannte Option „%1“ (das Muster %2 hat: %3)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an option setting: write name=value without spaces, e.g. ttl=5m</source>
        <translation>„%1“ ist keine Option: name=wert ohne Leerzeichen schreiben, z. B. ttl=5m</translation>
    </message>
    <message>
        <source>unknown latency part &quot;%1&quot; (use cache, l1, db, db-read or db-write)</source>
        <translation>unbekannter Latenzteil „%1“ (cache, l1, db, db-read oder db-write verwenden)</translation>
    </message>
    <message>
        <source>Runs the source material&apos;s example class as written, mistakes included.</source>
        <translation>Führt die Beispielklasse des Quellmaterials so aus, wie sie geschrieben ist, samt ihrer Fehler.</translation>
    </message>
    <message>
        <source>textbook=on runs the source&apos;s %1 class, which has no option %2 (with textbook=on only %3 may be set)</source>
        <translation>textbook=on führt die %1-Klasse der Quelle aus, die keine Option %2 hat (mit textbook=on dürfen nur %3 gesetzt werden)</translation>
    </message>
    <message>
        <source>Also open when failure-ratio of the last N cache calls failed (0: off).</source>
        <translation>Auch öffnen, wenn der Anteil failure-ratio der letzten N Cache-Aufrufe fehlschlug (0: aus).</translation>
    </message>
    <message>
        <source>window is at most 10000 calls</source>
        <translation>window umfasst höchstens 10000 Aufrufe</translation>
    </message>
    <message>
        <source>The share of failed calls in the window that opens the breaker.</source>
        <translation>Der Anteil fehlgeschlagener Aufrufe im Fenster, der den Schutzschalter öffnet.</translation>
    </message>
    <message>
        <source>expected a share of the calls above 0 and at most 1 (such as 0.5), got &quot;%1&quot;</source>
        <translation>erwartet einen Anteil der Aufrufe über 0 und höchstens 1 (etwa 0.5), erhalten: „%1“</translation>
    </message>
    <message>
        <source>%1 must be longer than 0s</source>
        <translation>%1 muss länger als 0s sein</translation>
    </message>
    <message>
        <source>expected off or a duration such as 500ms, got &quot;%1&quot;</source>
        <translation>erwartet off oder eine Dauer wie 500ms, erhalten: „%1“</translation>
    </message>
    <message>
        <source>a timeout must be longer than 0s (or off)</source>
        <translation>eine Zeitgrenze muss länger als 0s sein (oder off)</translation>
    </message>
    <message>
        <source>A miss hands out a lease: other readers wait for the holder, and a write voids it so a slow fill cannot put an old value back.</source>
        <translation>Ein Miss vergibt eine Lease: andere Leser warten auf ihren Inhaber, und ein Schreiben macht sie ungültig, damit ein langsames Befüllen keinen alten Wert zurücklegt.</translation>
    </message>
    <message>
        <source>How long a reader waits before it looks again while a lease is out.</source>
        <translation>Wie lange ein Leser wartet, bevor er erneut nachsieht, solange eine Lease vergeben ist.</translation>
    </message>
    <message>
        <source>A lease nobody used ends after this long.</source>
        <translation>Eine ungenutzte Lease endet nach dieser Zeit.</translation>
    </message>
    <message>
        <source>xfetch: a hit may recompute the entry a little before it expires, the more likely the closer expiry is and the longer the load takes.</source>
        <translation>xfetch: ein Treffer kann den Eintrag kurz vor Ablauf neu berechnen – umso wahrscheinlicher, je näher der Ablauf ist und je länger das Laden dauert.</translation>
    </message>
    <message>
        <source>expected xfetch or off, got &quot;%1&quot;</source>
        <translation>erwartet xfetch oder off, erhalten: „%1“</translation>
    </message>
    <message>
        <source>How eagerly xfetch recomputes (above 1: earlier, below 1: later).</source>
        <translation>Wie eifrig xfetch neu berechnet (über 1: früher, unter 1: später).</translation>
    </message>
    <message>
        <source>expected a number above 0 and at most 100 (such as 1.0), got &quot;%1&quot;</source>
        <translation>erwartet eine Zahl über 0 und höchstens 100 (etwa 1.0), erhalten: „%1“</translation>
    </message>
    <message>
        <source>Stale-while-revalidate: for this long past its TTL an entry is served at once while a background load refreshes it.</source>
        <translation>Stale-while-revalidate: so lange nach Ablauf seiner TTL wird ein Eintrag sofort geliefert, während ein Laden im Hintergrund ihn erneuert.</translation>
    </message>
    <message>
        <source>Fail-safe: for this long past its TTL an entry answers a read whose load failed, instead of an error.</source>
        <translation>Fail-safe: so lange nach Ablauf seiner TTL beantwortet ein Eintrag einen Lesevorgang, dessen Laden fehlschlug, statt eines Fehlers.</translation>
    </message>
    <message>
        <source>After a fail-safe answer the old value is served as a hit this long before the database is asked again.</source>
        <translation>Nach einer Fail-safe-Antwort wird der alte Wert so lange als Treffer geliefert, bevor die Datenbank erneut gefragt wird.</translation>
    </message>
    <message>
        <source>A load still running after this long answers with the kept old value, if there is one, and goes on in the background.</source>
        <translation>Ein Laden, das nach dieser Zeit noch läuft, antwortet mit dem aufbewahrten alten Wert, falls es einen gibt, und läuft im Hintergrund weiter.</translation>
    </message>
    <message>
        <source>A load still running after this long fails the read (or answers with the kept value under stale-if-error) and is abandoned.</source>
        <translation>Ein Laden, das nach dieser Zeit noch läuft, lässt den Lesevorgang fehlschlagen (oder antwortet mit stale-if-error mit dem aufbewahrten Wert) und wird aufgegeben.</translation>
    </message>
    <message>
        <source>Change-data-capture: a relay reads the database&apos;s change log and deletes every changed key from the cache, writes behind the application&apos;s back included.</source>
        <translation>Change-Data-Capture: ein Relay liest das Änderungsprotokoll der Datenbank und löscht jeden geänderten Schlüssel aus dem Cache, auch bei Schreibvorgängen hinter dem Rücken der Anwendung.</translation>
    </message>
    <message>
        <source>How often the relay reads the change log.</source>
        <translation>Wie oft das Relay das Änderungsprotokoll liest.</translation>
    </message>
    <message>
        <source>An invalidation the cache failed to take is kept, one per key, and retried this often until it goes through (off: it is lost).</source>
        <translation>Eine Invalidierung, die der Cache nicht annahm, wird aufbewahrt, eine je Schlüssel, und so oft erneut versucht, bis sie durchgeht (off: sie geht verloren).</translation>
    </message>
</context>
<context>
    <name>Patterns</name>
    <message>
        <source>the cache may still hold the old %1 until its TTL ends</source>
        <translation>der Cache hält das alte %1 womöglich noch, bis seine TTL endet</translation>
    </message>
    <message>
        <source>other instances may still serve the old %1 from L1</source>
        <translation>andere Instanzen liefern das alte %1 womöglich noch aus ihrem L1</translation>
    </message>
    <message>
        <source>refresh of %1 failed; the entry expires as usual</source>
        <translation>Auffrischen von %1 fehlgeschlagen; der Eintrag läuft wie gewohnt ab</translation>
    </message>
    <message>
        <source>committed, but the cache may still hold the old %1</source>
        <translation>gespeichert, aber der Cache hält womöglich noch das alte %1</translation>
    </message>
    <message>
        <source>deleted, but the cache may still hold the old %1</source>
        <translation>gelöscht, aber der Cache hält womöglich noch das alte %1</translation>
    </message>
    <message>
        <source>textbook: every L1 may still hold the old %1</source>
        <translation>Lehrbuch: jeder L1 kann noch das alte %1 enthalten</translation>
    </message>
    <message>
        <source>%1 is false as JSON: not cached</source>
        <translation>%1 ist als JSON falsch: nicht gecacht</translation>
    </message>
    <message>
        <source>lease voided by a change of %1: the old value stays out of the cache</source>
        <translation>Lease durch eine Änderung von %1 ungültig: der alte Wert bleibt aus dem Cache</translation>
    </message>
    <message>
        <source>background refresh of %1 failed; the old value stays</source>
        <translation>Auffrischen von %1 im Hintergrund fehlgeschlagen; der alte Wert bleibt</translation>
    </message>
    <message>
        <source>answered with the kept v%1 of %2: %3</source>
        <translation>mit dem aufbewahrten v%1 von %2 beantwortet: %3</translation>
    </message>
    <message>
        <source>fail-safe: answered with the kept v%1 of %2 (%3); served as a hit for %4</source>
        <translation>Fail-safe: mit dem aufbewahrten v%1 von %2 beantwortet (%3); %4 lang als Treffer geliefert</translation>
    </message>
    <message>
        <source>xfetch: %1 expires in %2, recompute it now</source>
        <translation>xfetch: %1 läuft in %2 ab, jetzt neu berechnen</translation>
    </message>
    <message>
        <source>%1 is %2 past its TTL: served at once, refreshed in the background</source>
        <translation>%1 ist %2 über seiner TTL: sofort geliefert, im Hintergrund aufgefrischt</translation>
    </message>
    <message>
        <source>the load passed its soft timeout of %1 and goes on in the background</source>
        <translation>das Laden überschritt seine weiche Zeitgrenze von %1 und läuft im Hintergrund weiter</translation>
    </message>
    <message>
        <source>the load passed its hard timeout of %1</source>
        <translation>das Laden überschritt seine harte Zeitgrenze von %1</translation>
    </message>
    <message>
        <source>%1: abandoned, the read fails</source>
        <translation>%1: aufgegeben, der Lesevorgang schlägt fehl</translation>
    </message>
    <message>
        <source>invalidation of %1 kept: retried every %2 until it goes through</source>
        <translation>Invalidierung von %1 aufbewahrt: alle %2 erneut versucht, bis sie durchgeht</translation>
    </message>
</context>
<context>
    <name>RedisStore</name>
    <message>
        <source>Redis at %1, database %2, keys under &quot;%3&quot;</source>
        <translation>Redis auf %1, Datenbank %2, Schlüssel unter „%3“</translation>
    </message>
    <message>
        <source>cannot reach Redis at %1</source>
        <translation>Redis auf %1 ist nicht erreichbar</translation>
    </message>
    <message>
        <source>Redis at %1 refused the connection: is redis-server running there, on that port?</source>
        <translation>Redis auf %1 hat die Verbindung abgelehnt: läuft dort redis-server, auf diesem Port?</translation>
    </message>
    <message>
        <source>Redis at %1 did not answer within %2 ms; check the host and the firewall</source>
        <translation>Redis auf %1 hat nicht innerhalb von %2 ms geantwortet; Host und Firewall prüfen</translation>
    </message>
    <message>
        <source>cannot connect to Redis at %1: %2</source>
        <translation>keine Verbindung zu Redis auf %1: %2</translation>
    </message>
    <message>
        <source>Redis at %1 closed the connection while it was being set up: %2</source>
        <translation>Redis auf %1 hat die Verbindung während des Aufbaus geschlossen: %2</translation>
    </message>
    <message>
        <source>Redis at %1 has no password set, but one was given; remove it from the URL and CACHELAB_REDIS_PASSWORD</source>
        <translation>Redis auf %1 hat kein Passwort gesetzt, es wurde aber eines angegeben; aus der URL und CACHELAB_REDIS_PASSWORD entfernen</translation>
    </message>
    <message>
        <source>Redis at %1 rejected the password (authentication failed); check the URL or CACHELAB_REDIS_PASSWORD</source>
        <translation>Redis auf %1 hat das Passwort abgelehnt (Anmeldung fehlgeschlagen); URL oder CACHELAB_REDIS_PASSWORD prüfen</translation>
    </message>
    <message>
        <source>Redis at %1 needs a password: put it in the URL (redis://:PASSWORD@host) or in CACHELAB_REDIS_PASSWORD</source>
        <translation>Redis auf %1 braucht ein Passwort: in die URL (redis://:PASSWORT@host) oder in CACHELAB_REDIS_PASSWORD schreiben</translation>
    </message>
    <message>
        <source>Redis at %1 refused PING: %2</source>
        <translation>Redis auf %1 hat PING abgelehnt: %2</translation>
    </message>
    <message>
        <source>Redis at %1 has no database %2 (%3); use a smaller number after the slash</source>
        <translation>Redis auf %1 hat keine Datenbank %2 (%3); eine kleinere Zahl nach dem Schrägstrich verwenden</translation>
    </message>
    <message>
        <source>Redis at %1 is unreachable; the next attempt is in %2 ms</source>
        <translation>Redis auf %1 ist nicht erreichbar; der nächste Versuch folgt in %2 ms</translation>
    </message>
    <message>
        <source>Redis at %1 did not answer %2 within %3 ms</source>
        <translation>Redis auf %1 hat %2 nicht innerhalb von %3 ms beantwortet</translation>
    </message>
    <message>
        <source>Redis at %1 went away during %2 (%3)</source>
        <translation>Redis auf %1 verschwand während %2 (%3)</translation>
    </message>
    <message>
        <source>connection closed</source>
        <translation>Verbindung geschlossen</translation>
    </message>
    <message>
        <source>Redis at %1 asks for a password again: %2</source>
        <translation>Redis auf %1 verlangt erneut ein Passwort: %2</translation>
    </message>
    <message>
        <source>Redis at %1 answered %2 with an error: %3</source>
        <translation>Redis auf %1 beantwortete %2 mit einem Fehler: %3</translation>
    </message>
    <message>
        <source>SUBSCRIBE failed</source>
        <translation>SUBSCRIBE fehlgeschlagen</translation>
    </message>
    <message>
        <source>Redis at %1 accepted the connection but did not answer within %2 ms: is the server stopped or overloaded?</source>
        <translation>Redis unter %1 hat die Verbindung angenommen, aber nicht innerhalb von %2 ms geantwortet: Ist der Server angehalten oder überlastet?</translation>
    </message>
</context>
<context>
    <name>RedisUrl</name>
    <message>
        <source>write it as redis://[[user]:password@]host[:port][/db] or unix:///path/to/redis.sock</source>
        <translation>so schreiben: redis://[[benutzer]:passwort@]host[:port][/db] oder unix:///pfad/zu/redis.sock</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid Redis URL: %2</source>
        <translation>„%1“ ist keine gültige Redis-URL: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; names no socket file: %2</source>
        <translation>„%1“ nennt keine Socket-Datei: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; names no host: %2</source>
        <translation>„%1“ nennt keinen Host: %2</translation>
    </message>
    <message>
        <source>&quot;%1&quot; has no valid port</source>
        <translation>„%1“ hat keinen gültigen Port</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: the database must be a number after the slash, such as /0</source>
        <translation>„%1“: die Datenbank muss eine Zahl nach dem Schrägstrich sein, etwa /0</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a Redis URL (the scheme must be redis:// or unix://)</source>
        <translation>„%1“ ist keine Redis-URL (das Schema muss redis:// oder unix:// sein)</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: unknown parameter &quot;%2&quot; (use connect_timeout or command_timeout, in milliseconds)</source>
        <translation>„%1“: unbekannter Parameter „%2“ (connect_timeout oder command_timeout in Millisekunden verwenden)</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: %2 must be a number of milliseconds from 1 to 600000</source>
        <translation>„%1“: %2 muss eine Anzahl Millisekunden von 1 bis 600000 sein</translation>
    </message>
</context>
<context>
    <name>ScenarioParser</name>
    <message>
        <source>the scenario has no pattern line (add e.g. `pattern cache-aside` at the top)</source>
        <translation>das Szenario hat keine pattern-Zeile (oben z. B. `pattern cache-aside` ergänzen)</translation>
    </message>
    <message>
        <source>as needs a client and an operation: as B read KEY</source>
        <translation>as braucht einen Client und eine Operation: as B read KEY</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a client: clients are named by one capital letter (A, B, C, …)</source>
        <translation>„%1“ ist kein Client: Clients heißen nach einem Großbuchstaben (A, B, C, …)</translation>
    </message>
    <message>
        <source>as %1 needs an operation after it, e.g. as %1 read KEY</source>
        <translation>nach as %1 muss eine Operation folgen, z. B. as %1 read KEY</translation>
    </message>
    <message>
        <source>as can be given only once per line</source>
        <translation>as darf nur einmal pro Zeile stehen</translation>
    </message>
    <message>
        <source>as can only prefix an operation or an expectation, not %1</source>
        <translation>as darf nur vor einer Operation oder Erwartung stehen, nicht vor %1</translation>
    </message>
    <message>
        <source>client %1 does not exist: the scenario has 1 client (A); add `clients N` to the setup</source>
        <translation>Client %1 gibt es nicht: das Szenario hat 1 Client (A); `clients N` im Setup ergänzen</translation>
    </message>
    <message>
        <source>client %1 does not exist: the scenario has %2 clients (%3)</source>
        <translation>Client %1 gibt es nicht: das Szenario hat %2 Clients (%3)</translation>
    </message>
    <message>
        <source>%1 must come before the first operation (line %2)</source>
        <translation>%1 muss vor der ersten Operation stehen (Zeile %2)</translation>
    </message>
    <message>
        <source>the pattern is already set on line %1; a scenario has one pattern line</source>
        <translation>das Muster ist schon in Zeile %1 gesetzt; ein Szenario hat eine pattern-Zeile</translation>
    </message>
    <message>
        <source>pattern needs a name: %1</source>
        <translation>pattern braucht einen Namen: %1</translation>
    </message>
    <message>
        <source>unknown pattern &quot;%1&quot; (expected %2)</source>
        <translation>unbekanntes Muster „%1“ (erwartet: %2)</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not an option setting: write name=value without spaces, e.g. ttl=5m</source>
        <translation>„%1“ ist keine Option: name=wert ohne Leerzeichen schreiben, z. B. ttl=5m</translation>
    </message>
    <message>
        <source>clients is already set on line %1</source>
        <translation>clients ist schon in Zeile %1 gesetzt</translation>
    </message>
    <message>
        <source>clients needs a number from 1 to %1, got &quot;%2&quot;</source>
        <translation>clients braucht eine Zahl von 1 bis %1, erhalten: „%2“</translation>
    </message>
    <message>
        <source>latency needs at least one PART=DURATION, e.g. latency cache=2ms db=20ms</source>
        <translation>latency braucht mindestens ein TEIL=DAUER, z. B. latency cache=2ms db=20ms</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a latency setting: write PART=DURATION without spaces, e.g. db=20ms</source>
        <translation>„%1“ ist keine Latenzangabe: TEIL=DAUER ohne Leerzeichen schreiben, z. B. db=20ms</translation>
    </message>
    <message>
        <source>latency %1: %2</source>
        <translation>latency %1: %2</translation>
    </message>
    <message>
        <source>seed is already set on line %1</source>
        <translation>seed ist schon in Zeile %1 gesetzt</translation>
    </message>
    <message>
        <source>seed needs a whole number from 0 to %1, got &quot;%2&quot;</source>
        <translation>seed braucht eine ganze Zahl von 0 bis %1, erhalten: „%2“</translation>
    </message>
    <message>
        <source>%1 needs a key: %2</source>
        <translation>%1 braucht einen Schlüssel: %2</translation>
    </message>
    <message>
        <source>write needs a key and a value: write KEY VALUE</source>
        <translation>write braucht einen Schlüssel und einen Wert: write KEY VALUE</translation>
    </message>
    <message>
        <source>write needs a value after the key</source>
        <translation>write braucht nach dem Schlüssel einen Wert</translation>
    </message>
    <message>
        <source>spawn read needs a key: spawn read KEY</source>
        <translation>spawn read braucht einen Schlüssel: spawn read KEY</translation>
    </message>
    <message>
        <source>spawn write needs a key and a value: spawn write KEY VALUE</source>
        <translation>spawn write braucht einen Schlüssel und einen Wert: spawn write KEY VALUE</translation>
    </message>
    <message>
        <source>spawn write needs a value after the key</source>
        <translation>spawn write braucht nach dem Schlüssel einen Wert</translation>
    </message>
    <message>
        <source>spawn delete needs a key: spawn delete KEY</source>
        <translation>spawn delete braucht einen Schlüssel: spawn delete KEY</translation>
    </message>
    <message>
        <source>spawn invalidate needs a key: spawn invalidate KEY</source>
        <translation>spawn invalidate braucht einen Schlüssel: spawn invalidate KEY</translation>
    </message>
    <message>
        <source>spawn starts an operation without waiting: spawn read KEY, spawn write KEY VALUE, spawn delete KEY or spawn invalidate KEY</source>
        <translation>spawn startet eine Operation, ohne zu warten: spawn read KEY, spawn write KEY VALUE, spawn delete KEY oder spawn invalidate KEY</translation>
    </message>
    <message>
        <source>burst needs a count, a &quot;read&quot; and a key: burst N read KEY</source>
        <translation>burst braucht eine Anzahl, ein „read“ und einen Schlüssel: burst N read KEY</translation>
    </message>
    <message>
        <source>wait needs a duration: wait 5s</source>
        <translation>wait braucht eine Dauer: wait 5s</translation>
    </message>
    <message>
        <source>db put needs a key and a value: db put KEY VALUE</source>
        <translation>db put braucht einen Schlüssel und einen Wert: db put KEY VALUE</translation>
    </message>
    <message>
        <source>db put needs a value after the key</source>
        <translation>db put braucht nach dem Schlüssel einen Wert</translation>
    </message>
    <message>
        <source>db delete needs a key: db delete KEY</source>
        <translation>db delete braucht einen Schlüssel: db delete KEY</translation>
    </message>
    <message>
        <source>db seed needs a count: db seed N</source>
        <translation>db seed braucht eine Anzahl: db seed N</translation>
    </message>
    <message>
        <source>db needs put, delete or seed: db put KEY VALUE, db delete KEY or db seed N</source>
        <translation>db braucht put, delete oder seed: db put KEY VALUE, db delete KEY oder db seed N</translation>
    </message>
    <message>
        <source>unknown command &quot;%1&quot; (expected read, write, delete, invalidate, spawn, burst, wait, settle, db, fail, recover, crash, expect or as; setup: pattern, clients, latency, seed)</source>
        <translation>unbekannter Befehl „%1“ (erwartet: read, write, delete, invalidate, spawn, burst, wait, settle, db, fail, recover, crash, expect oder as; Setup: pattern, clients, latency, seed)</translation>
    </message>
    <message>
        <source>expect result = VALUE or expect result missing</source>
        <translation>expect result = VALUE oder expect result missing</translation>
    </message>
    <message>
        <source>expect %1 KEY = VALUE or expect %1 KEY missing</source>
        <translation>expect %1 KEY = VALUE oder expect %1 KEY missing</translation>
    </message>
    <message>
        <source>expect %1 needs a key: %2</source>
        <translation>expect %1 braucht einen Schlüssel: %2</translation>
    </message>
    <message>
        <source>expect db KEY = VALUE, expect db KEY missing or expect db KEY version N</source>
        <translation>expect db KEY = VALUE, expect db KEY missing oder expect db KEY version N</translation>
    </message>
    <message>
        <source>expect db needs a key: %1</source>
        <translation>expect db braucht einen Schlüssel: %1</translation>
    </message>
    <message>
        <source>expect db KEY version needs a version number: expect db KEY version N</source>
        <translation>expect db KEY version braucht eine Versionsnummer: expect db KEY version N</translation>
    </message>
    <message>
        <source>expect ttl KEY OP DURATION, e.g. expect ttl user:1 &lt;= 30s</source>
        <translation>expect ttl KEY OP DAUER, z. B. expect ttl user:1 &lt;= 30s</translation>
    </message>
    <message>
        <source>expect ttl needs a key: %1</source>
        <translation>expect ttl braucht einen Schlüssel: %1</translation>
    </message>
    <message>
        <source>expect ttl needs a duration after the comparison: %1</source>
        <translation>expect ttl braucht nach dem Vergleich eine Dauer: %1</translation>
    </message>
    <message>
        <source>expect queue needs a number of entries: expect queue N</source>
        <translation>expect queue braucht eine Anzahl von Einträgen: expect queue N</translation>
    </message>
    <message>
        <source>expect breaker needs a state: closed, open or half-open</source>
        <translation>expect breaker braucht einen Zustand: closed, open oder half-open</translation>
    </message>
    <message>
        <source>unknown breaker state &quot;%1&quot; (expected closed, open or half-open)</source>
        <translation>unbekannter Schalterzustand „%1“ (erwartet: closed, open oder half-open)</translation>
    </message>
    <message>
        <source>expect metric NAME OP N, e.g. expect metric db.reads = 1</source>
        <translation>expect metric NAME OP N, z. B. expect metric db.reads = 1</translation>
    </message>
    <message>
        <source>expect metric needs a name: %1</source>
        <translation>expect metric braucht einen Namen: %1</translation>
    </message>
    <message>
        <source>unknown metric &quot;%1&quot; (known metrics: %2)</source>
        <translation>unbekannte Kennzahl „%1“ (bekannte Kennzahlen: %2)</translation>
    </message>
    <message>
        <source>expect metric needs a number after the comparison: %1</source>
        <translation>expect metric braucht nach dem Vergleich eine Zahl: %1</translation>
    </message>
    <message>
        <source>expect needs something to check: result, error, ok, cache, l1, db, ttl, queue, breaker or metric</source>
        <translation>expect braucht etwas zu prüfen: result, error, ok, cache, l1, db, ttl, queue, breaker oder metric</translation>
    </message>
    <message>
        <source>unknown expectation &quot;%1&quot; (expected result, error, ok, cache, l1, db, ttl, queue, breaker or metric)</source>
        <translation>unbekannte Erwartung „%1“ (erwartet: result, error, ok, cache, l1, db, ttl, queue, breaker oder metric)</translation>
    </message>
    <message>
        <source>a value is missing after &quot;=&quot;: %1</source>
        <translation>nach „=“ fehlt ein Wert: %1</translation>
    </message>
    <message>
        <source>expected &quot;= VALUE&quot; or &quot;missing&quot;: %1</source>
        <translation>erwartet „= VALUE“ oder „missing“: %1</translation>
    </message>
    <message>
        <source>expected &quot;= VALUE&quot; or &quot;missing&quot;, got &quot;%1&quot;: %2</source>
        <translation>erwartet „= VALUE“ oder „missing“, erhalten „%1“: %2</translation>
    </message>
    <message>
        <source>the key is %1 bytes long; a key can be at most %2 bytes</source>
        <translation>der Schlüssel ist %1 Bytes lang; ein Schlüssel darf höchstens %2 Bytes haben</translation>
    </message>
    <message>
        <source>the value is %1 bytes long; a value can be at most %2 bytes (16 MiB)</source>
        <translation>der Wert ist %1 Bytes lang; ein Wert darf höchstens %2 Bytes haben (16 MiB)</translation>
    </message>
    <message>
        <source>%1 needs a count from 1 to %2, got &quot;%3&quot;</source>
        <translation>%1 braucht eine Anzahl von 1 bis %2, erhalten: „%3“</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a whole number (0, 1, 2, …)</source>
        <translation>„%1“ ist keine ganze Zahl (0, 1, 2, …)</translation>
    </message>
    <message>
        <source>a comparison (&lt;, &lt;=, =, &gt;= or &gt;) is missing: %1</source>
        <translation>ein Vergleich (&lt;, &lt;=, =, &gt;= oder &gt;) fehlt: %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a comparison (expected &lt;, &lt;=, =, &gt;= or &gt;): %2</source>
        <translation>„%1“ ist kein Vergleich (erwartet: &lt;, &lt;=, =, &gt;= oder &gt;): %2</translation>
    </message>
    <message>
        <source>%1 needs a part: %1 cache or %1 db</source>
        <translation>%1 braucht einen Teil: %1 cache oder %1 db</translation>
    </message>
    <message>
        <source>%1 cannot act on &quot;%2&quot; (expected %1 cache or %1 db)</source>
        <translation>%1 kann nicht auf „%2“ wirken (erwartet: %1 cache oder %1 db)</translation>
    </message>
    <message>
        <source>unexpected &quot;%1&quot;: a comment must be on a line of its own (write: %2)</source>
        <translation>unerwartetes „%1“: ein Kommentar muss in einer eigenen Zeile stehen (so schreiben: %2)</translation>
    </message>
    <message>
        <source>unexpected &quot;%1&quot; at the end of the line (write: %2)</source>
        <translation>unerwartetes „%1“ am Zeilenende (so schreiben: %2)</translation>
    </message>
    <message>
        <source>cannot open %1: %2</source>
        <translation>%1 lässt sich nicht öffnen: %2</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>%1 lässt sich nicht lesen: %2</translation>
    </message>
    <message>
        <source>%1 is larger than %2 MiB: it is not a scenario file</source>
        <translation>%1 ist größer als %2 MiB: das ist keine Szenariodatei</translation>
    </message>
    <message>
        <source>%1 is a binary file (it contains NUL bytes), not a scenario</source>
        <translation>%1 ist eine Binärdatei (sie enthält NUL-Bytes), kein Szenario</translation>
    </message>
    <message>
        <source>%1 is not UTF-8 text (save it as UTF-8 and try again)</source>
        <translation>%1 ist kein UTF-8-Text (als UTF-8 speichern und erneut versuchen)</translation>
    </message>
    <message>
        <source>the bursts of this file would start more than %1 reads in all; split it into several files</source>
        <translation>die Ansturm-Befehle dieser Datei würden insgesamt mehr als %1 Lesezugriffe starten; die Datei in mehrere aufteilen</translation>
    </message>
</context>
<context>
    <name>ScenarioRunner</name>
    <message>
        <source>settle: background work did not finish within a day of virtual time</source>
        <translation>settle: die Hintergrundarbeit wurde nicht innerhalb eines Tages virtueller Zeit fertig</translation>
    </message>
    <message>
        <source>no completed read</source>
        <translation>kein abgeschlossener Lesevorgang</translation>
    </message>
    <message>
        <source>an error (%1)</source>
        <translation>ein Fehler (%1)</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>fehlt</translation>
    </message>
    <message>
        <source>no completed operation</source>
        <translation>keine abgeschlossene Operation</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>error (%1)</source>
        <translation>Fehler (%1)</translation>
    </message>
    <message>
        <source>no L1 (the pattern is %1)</source>
        <translation>kein L1 (das Muster ist %1)</translation>
    </message>
    <message>
        <source>a cached &quot;no such row&quot;</source>
        <translation>ein gecachtes „keine solche Zeile“</translation>
    </message>
    <message>
        <source>version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation>läuft nicht ab</translation>
    </message>
    <message>
        <source>%1 entries</source>
        <translation>%1 Einträge</translation>
    </message>
    <message>
        <source>no breaker (the pattern is %1)</source>
        <translation>kein Schutzschalter (das Muster ist %1)</translation>
    </message>
    <message>
        <source>%1: a call failed though the scenario made nothing fail: %2</source>
        <translation>%1: ein Aufruf schlug fehl, obwohl das Szenario nichts fehlschlagen ließ: %2</translation>
    </message>
    <message>
        <source>%1: the run used up its budget of %2 scheduler events here, so it was stopped (background work that never ends, or far too much of it?); --max-events raises the budget</source>
        <translation>%1: der Lauf hat hier sein Budget von %2 Ereignissen des Schedulers aufgebraucht und wurde angehalten (Hintergrundarbeit, die nie endet, oder viel zu viel davon?); --max-events erhöht das Budget</translation>
    </message>
    <message>
        <source>wait: the lab&apos;s virtual time would pass %1 years, the end of its clock</source>
        <translation>wait: die virtuelle Zeit des Labs würde %1 Jahre überschreiten, das Ende ihrer Uhr</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>the file is not JSON (%1 at byte %2)</source>
        <translation>die Datei ist kein JSON (%1 bei Byte %2)</translation>
    </message>
    <message>
        <source>this is not a Cache Lab session (its &quot;format&quot; is not &quot;cachelab-session&quot;)</source>
        <translation>das ist keine Cache-Lab-Sitzung (ihr „format“ ist nicht „cachelab-session“)</translation>
    </message>
    <message>
        <source>this session was saved by a newer Cache Lab (version %1)</source>
        <translation>diese Sitzung wurde von einem neueren Cache Lab gespeichert (Version %1)</translation>
    </message>
    <message>
        <source>the session&apos;s duration is missing or negative</source>
        <translation>die Dauer der Sitzung fehlt oder ist negativ</translation>
    </message>
    <message>
        <source>the session&apos;s scenario</source>
        <translation>das Szenario der Sitzung</translation>
    </message>
    <message>
        <source>the session&apos;s commands are damaged: line %1: %2</source>
        <translation>die Befehle der Sitzung sind beschädigt: Zeile %1: %2</translation>
    </message>
    <message>
        <source>the session&apos;s trace is damaged: %1</source>
        <translation>die Aufzeichnung der Sitzung ist beschädigt: %1</translation>
    </message>
    <message>
        <source>the session&apos;s trace and commands disagree on the number of clients</source>
        <translation>Aufzeichnung und Befehle der Sitzung nennen verschiedene Anzahlen von Clients</translation>
    </message>
</context>
<context>
    <name>SessionLog</name>
    <message>
        <source>the value &quot;%1&quot; of %2 cannot be written into a session (a value must be one line, not empty, without spaces at either end)</source>
        <translation>der Wert „%1“ von %2 lässt sich nicht in eine Sitzung schreiben (ein Wert muss eine Zeile sein, nicht leer, ohne Leerzeichen an den Enden)</translation>
    </message>
</context>
<context>
    <name>SqlDatabase</name>
    <message>
        <source>read a row</source>
        <translation>eine Zeile lesen</translation>
    </message>
    <message>
        <source>write a row</source>
        <translation>eine Zeile schreiben</translation>
    </message>
    <message>
        <source>delete a row</source>
        <translation>eine Zeile löschen</translation>
    </message>
    <message>
        <source>begin a transaction</source>
        <translation>eine Transaktion beginnen</translation>
    </message>
    <message>
        <source>commit</source>
        <translation>festschreiben</translation>
    </message>
    <message>
        <source>list the rows</source>
        <translation>die Zeilen auflisten</translation>
    </message>
    <message>
        <source>remove every row</source>
        <translation>alle Zeilen entfernen</translation>
    </message>
    <message>
        <source>The SQLite driver of Qt SQL is not installed (Debian: libqt6sql6-sqlite).</source>
        <translation>Der SQLite-Treiber von Qt SQL ist nicht installiert (Debian: libqt6sql6-sqlite).</translation>
    </message>
    <message>
        <source>SQLite in memory</source>
        <translation>SQLite im Arbeitsspeicher</translation>
    </message>
    <message>
        <source>SQLite at %1</source>
        <translation>SQLite in %1</translation>
    </message>
    <message>
        <source>the in-memory database</source>
        <translation>die Datenbank im Arbeitsspeicher</translation>
    </message>
    <message>
        <source>the database %1</source>
        <translation>die Datenbank %1</translation>
    </message>
    <message>
        <source>Cannot write to %1: it is locked by another program; close it or choose another file.</source>
        <translation>In %1 kann nicht geschrieben werden: ein anderes Programm sperrt die Datei; es schließen oder eine andere Datei wählen.</translation>
    </message>
    <message>
        <source>Cannot write to %1 (%2); choose a file in a folder you can write to.</source>
        <translation>In %1 kann nicht geschrieben werden (%2); eine Datei in einem beschreibbaren Ordner wählen.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2. Choose a file in a folder you can write to, or use :memory:.</source>
        <translation>%1 lässt sich nicht öffnen: %2. Eine Datei in einem beschreibbaren Ordner wählen oder :memory: verwenden.</translation>
    </message>
    <message>
        <source>Could not %1 in %2: %3</source>
        <translation>Konnte in %2 nicht %1: %3</translation>
    </message>
    <message>
        <source>The database %1 is damaged (SQLite&apos;s quick_check: %2). Restore it from a copy, or choose another file.</source>
        <translation>Die Datenbank %1 ist beschädigt (quick_check von SQLite: %2). Aus einer Kopie wiederherstellen oder eine andere Datei wählen.</translation>
    </message>
    <message>
        <source>Cannot write to %1: the disk is full (%2). Free some space, or choose a file on another disk.</source>
        <translation>In %1 lässt sich nicht schreiben: der Datenträger ist voll (%2). Platz freigeben oder eine Datei auf einem anderen Datenträger wählen.</translation>
    </message>
    <message>
        <source>%1 is damaged or is not an SQLite database (%2). Restore it from a copy, or choose another file.</source>
        <translation>%1 ist beschädigt oder keine SQLite-Datenbank (%2). Aus einer Kopie wiederherstellen oder eine andere Datei wählen.</translation>
    </message>
    <message>
        <source>The PostgreSQL driver of Qt SQL is not installed (Debian: libqt6sql6-psql).</source>
        <translation>Der PostgreSQL-Treiber von Qt SQL ist nicht installiert (Debian: libqt6sql6-psql).</translation>
    </message>
    <message>
        <source>%1 has no table &quot;%2&quot;: name an existing table in table=, or leave table= out to use Cache Lab&apos;s own.</source>
        <translation>%1 hat keine Tabelle „%2“: eine vorhandene Tabelle in table= nennen oder table= weglassen, um die von Cache Lab zu verwenden.</translation>
    </message>
    <message numerus="yes">
        <source>%1 has a table &quot;records&quot; that is not Cache Lab&apos;s: it lacks the column(s) %2. Choose another database, or remove that table.</source>
        <translation>
            <numerusform>%1 hat eine Tabelle „records“, die nicht von Cache Lab ist: ihr fehlt die Spalte %2. Eine andere Datenbank wählen oder jene Tabelle entfernen.</numerusform>
            <numerusform>%1 hat eine Tabelle „records“, die nicht von Cache Lab ist: ihr fehlen die Spalten %2. Eine andere Datenbank wählen oder jene Tabelle entfernen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The table &quot;%1&quot; in %2 has no column(s) %3: name its columns in key=, value= and version=.</source>
        <translation>
            <numerusform>Die Tabelle „%1“ in %2 hat keine Spalte %3: ihre Spalten in key=, value= und version= nennen.</numerusform>
            <numerusform>Die Tabelle „%1“ in %2 hat keine Spalten %3: ihre Spalten in key=, value= und version= nennen.</numerusform>
        </translation>
    </message>
    <message>
        <source>PostgreSQL at %1</source>
        <translation>PostgreSQL unter %1</translation>
    </message>
    <message>
        <source>%1, table %2</source>
        <translation>%1, Tabelle %2</translation>
    </message>
    <message>
        <source>the PostgreSQL database %1</source>
        <translation>die PostgreSQL-Datenbank %1</translation>
    </message>
    <message>
        <source>PostgreSQL at %1:%2 refused the user &quot;%3&quot; (%4). Check the user and the password in the URL or in CACHELAB_DB_PASSWORD.</source>
        <translation>PostgreSQL unter %1:%2 hat den Benutzer „%3“ abgewiesen (%4). Benutzer und Passwort in der URL oder in CACHELAB_DB_PASSWORD prüfen.</translation>
    </message>
    <message>
        <source>PostgreSQL at %1:%2 has no database &quot;%3&quot;. Create it (createdb %3) or name another one in the URL.</source>
        <translation>PostgreSQL unter %1:%2 hat keine Datenbank „%3“. Sie anlegen (createdb %3) oder eine andere in der URL nennen.</translation>
    </message>
    <message>
        <source>Cannot reach PostgreSQL at %1:%2 (%3). Start the server, or correct the host and port in the URL.</source>
        <translation>PostgreSQL unter %1:%2 ist nicht erreichbar (%3). Den Server starten oder Host und Port in der URL korrigieren.</translation>
    </message>
    <message>
        <source>Lost the connection to %1 (%2).</source>
        <translation>Die Verbindung zu %1 ist abgerissen (%2).</translation>
    </message>
    <message>
        <source>Cannot write to %1: the server&apos;s disk is full (%2).</source>
        <translation>In %1 lässt sich nicht schreiben: die Platte des Servers ist voll (%2).</translation>
    </message>
    <message>
        <source>Cannot write to %1: %2. The server lets this user read only; connect as another user.</source>
        <translation>In %1 lässt sich nicht schreiben: %2. Der Server lässt diesen Benutzer nur lesen; als anderer Benutzer verbinden.</translation>
    </message>
    <message>
        <source>Cannot write to %1: another session holds a lock (%2). Try again, or end that session.</source>
        <translation>In %1 lässt sich nicht schreiben: eine andere Sitzung hält eine Sperre (%2). Erneut versuchen oder jene Sitzung beenden.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2.</source>
        <translation>%1 lässt sich nicht öffnen: %2.</translation>
    </message>
    <message>
        <source>create the change log</source>
        <translation>das Änderungsprotokoll anlegen</translation>
    </message>
    <message>
        <source>forget relayed changes</source>
        <translation>weitergegebene Änderungen vergessen</translation>
    </message>
    <message>
        <source>read the change log</source>
        <translation>das Änderungsprotokoll lesen</translation>
    </message>
</context>
<context>
    <name>SweepAxis</name>
    <message>
        <source>&quot;%1&quot;: expected NAME=V1,V2,… or NAME=FROM..TO:N (add &quot;log&quot; for logarithmic steps)</source>
        <translation>&quot;%1&quot;: erwartet NAME=V1,V2,… oder NAME=VON..BIS:N (&quot;log&quot; anhängen für logarithmische Schritte)</translation>
    </message>
    <message>
        <source>%1: an empty value in &quot;%2&quot;</source>
        <translation>%1: ein leerer Wert in &quot;%2&quot;</translation>
    </message>
    <message>
        <source>%1: at most %2 values</source>
        <translation>%1: höchstens %2 Werte</translation>
    </message>
    <message>
        <source>%1: a range needs its number of points, e.g. %1=%2..%3:10</source>
        <translation>%1: ein Bereich braucht seine Anzahl Punkte, z. B. %1=%2..%3:10</translation>
    </message>
    <message>
        <source>%1: the number of points must be a whole number from 2 to %2, got &quot;%3&quot;</source>
        <translation>%1: die Anzahl Punkte muss eine ganze Zahl von 2 bis %2 sein, erhalten &quot;%3&quot;</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a range of numbers</source>
        <translation>%1: &quot;%2&quot; ist kein Zahlenbereich</translation>
    </message>
    <message>
        <source>%1: the range %2..%3 has no width</source>
        <translation>%1: der Bereich %2..%3 hat keine Breite</translation>
    </message>
    <message>
        <source>%1: logarithmic steps need both ends above zero</source>
        <translation>%1: logarithmische Schritte brauchen zwei Enden über null</translation>
    </message>
</context>
<context>
    <name>SweepResult</name>
    <message>
        <source>pattern</source>
        <translation>Muster</translation>
    </message>
    <message numerus="yes">
        <source>
%n seed(s); mean ± half of the 95% confidence interval. Bold: the best of a column; ≈: not significantly different from it (the intervals overlap).
</source>
        <translation>
            <numerusform>
%n Seed; Mittelwert ± halbes 95-%-Konfidenzintervall. Fett: der beste Wert einer Spalte; ≈: nicht signifikant davon verschieden (die Intervalle überlappen).
</numerusform>
            <numerusform>
%n Seeds; Mittelwert ± halbes 95-%-Konfidenzintervall. Fett: der beste Wert einer Spalte; ≈: nicht signifikant davon verschieden (die Intervalle überlappen).
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n seed(s) per point; mean ± half of the 95% confidence interval.
</source>
        <translation>
            <numerusform>%n Seed je Punkt; Mittelwert ± halbes 95-%-Konfidenzintervall.
</numerusform>
            <numerusform>%n Seeds je Punkt; Mittelwert ± halbes 95-%-Konfidenzintervall.
</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Workload: %1 requests, %2 keys, %3, write ratio %4, %n client(s), first seed %5; every instance crashes halfway through.
</source>
        <translation>
            <numerusform>Last: %1 Anfragen, %2 Schlüssel, %3, Schreibanteil %4, %n Client, erster Seed %5; jede Instanz stürzt auf halbem Weg ab.
</numerusform>
            <numerusform>Last: %1 Anfragen, %2 Schlüssel, %3, Schreibanteil %4, %n Clients, erster Seed %5; jede Instanz stürzt auf halbem Weg ab.
</numerusform>
        </translation>
    </message>
    <message>
        <source>Interrupted: the points after the last row are missing.
</source>
        <translation>Unterbrochen: die Punkte nach der letzten Zeile fehlen.
</translation>
    </message>
</context>
<context>
    <name>SweepSpec</name>
    <message>
        <source>expected a number from 0 to 1, got &quot;%1&quot;</source>
        <translation>erwartet eine Zahl von 0 bis 1, erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>expected a whole number from 1 to 10000000, got &quot;%1&quot;</source>
        <translation>erwartet eine ganze Zahl von 1 bis 10000000, erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>expected a whole number from 1 to 26, got &quot;%1&quot;</source>
        <translation>erwartet eine ganze Zahl von 1 bis 26, erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>expected requests per second from 0.001 to 1000000000, got &quot;%1&quot;</source>
        <translation>erwartet Anfragen pro Sekunde von 0.001 bis 1000000000, erhalten &quot;%1&quot;</translation>
    </message>
    <message>
        <source>no pattern to run</source>
        <translation>kein Muster zum Ausführen</translation>
    </message>
    <message>
        <source>--seeds: expected a whole number from 1 to %1, got %2</source>
        <translation>--seeds: erwartet eine ganze Zahl von 1 bis %1, erhalten %2</translation>
    </message>
    <message>
        <source>--jobs: expected a whole number from 1 to 256, got %1</source>
        <translation>--jobs: erwartet eine ganze Zahl von 1 bis 256, erhalten %1</translation>
    </message>
    <message>
        <source>--option %1: no chosen pattern has this option</source>
        <translation>--option %1: kein gewähltes Muster hat diese Option</translation>
    </message>
    <message>
        <source>--vary %1: not a pattern option, a workload setting (write-ratio, keys, clients, rate) or a latency (latency.cache, latency.db, …)</source>
        <translation>--vary %1: keine Musteroption, keine Lasteinstellung (write-ratio, keys, clients, rate) und keine Latenz (latency.cache, latency.db, …)</translation>
    </message>
    <message>
        <source>--vary %1: no chosen pattern has this option</source>
        <translation>--vary %1: kein gewähltes Muster hat diese Option</translation>
    </message>
    <message>
        <source>%1 runs asked for (points × patterns × seeds); at most %2</source>
        <translation>%1 Läufe verlangt (Punkte × Muster × Seeds); höchstens %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>Textbook</name>
    <message>
        <source>Medium (miss penalty)</source>
        <translation>Mittel (Kosten bei Miss)</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Eventual</source>
        <translation>Letztendlich</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>Strong</source>
        <translation>Stark</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Mittel</translation>
    </message>
    <message>
        <source>Very Low</source>
        <translation>Sehr niedrig</translation>
    </message>
</context>
<context>
    <name>Trace</name>
    <message>
        <source>v%1, not yet in the DB</source>
        <translation>v%1, noch nicht in der DB</translation>
    </message>
    <message>
        <source>L1 get %1</source>
        <translation>L1 lesen %1</translation>
    </message>
    <message>
        <source>L1 put %1</source>
        <translation>L1 ablegen %1</translation>
    </message>
    <message>
        <source>L1 evict %1</source>
        <translation>L1 entfernen %1</translation>
    </message>
    <message numerus="yes">
        <source>batch write of %n row(s)</source>
        <translation>
            <numerusform>Stapel von %n Zeile schreiben</numerusform>
            <numerusform>Stapel von %n Zeilen schreiben</numerusform>
        </translation>
    </message>
    <message>
        <source>enqueue %1</source>
        <translation>einreihen %1</translation>
    </message>
    <message>
        <source>refresh %1</source>
        <translation>auffrischen %1</translation>
    </message>
    <message>
        <source>guard %1</source>
        <translation>prüfen %1</translation>
    </message>
    <message>
        <source>invalidate %1</source>
        <translation>invalidieren %1</translation>
    </message>
    <message>
        <source>hit: no such row</source>
        <translation>Treffer: keine solche Zeile</translation>
    </message>
    <message>
        <source>hit %1 (%2), TTL %3</source>
        <translation>Treffer %1 (%2), TTL %3</translation>
    </message>
    <message>
        <source>hit %1 (%2)</source>
        <translation>Treffer %1 (%2)</translation>
    </message>
    <message>
        <source>miss</source>
        <translation>Miss</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>row %1 (%2)</source>
        <translation>Zeile %1 (%2)</translation>
    </message>
    <message>
        <source>no row</source>
        <translation>keine Zeile</translation>
    </message>
    <message numerus="yes">
        <source>committed %n row(s)</source>
        <translation>
            <numerusform>%n Zeile gespeichert</numerusform>
            <numerusform>%n Zeilen gespeichert</numerusform>
        </translation>
    </message>
    <message>
        <source>committed %1</source>
        <translation>gespeichert %1</translation>
    </message>
    <message>
        <source>open: skip the cache</source>
        <translation>offen: Cache überspringen</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>%1: not found</source>
        <translation>%1: nicht gefunden</translation>
    </message>
    <message>
        <source>%1 = %2 (%3)</source>
        <translation>%1 = %2 (%3)</translation>
    </message>
    <message>
        <source>miss, lease #%1</source>
        <translation>Miss, Lease #%1</translation>
    </message>
    <message>
        <source>GET %1 (lease on a miss)</source>
        <translation>GET %1 (Lease bei Miss)</translation>
    </message>
    <message>
        <source>SET %1 %2 if lease #%3 holds</source>
        <translation>SET %1 %2, falls Lease #%3 gilt</translation>
    </message>
    <message>
        <source>miss: lease out, wait</source>
        <translation>Miss: Lease vergeben, warten</translation>
    </message>
    <message>
        <source>refused: lease #%1 voided</source>
        <translation>abgelehnt: Lease #%1 ungültig</translation>
    </message>
    <message>
        <source>read change log after #%1</source>
        <translation>Änderungsprotokoll nach #%1 lesen</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s)</source>
        <translation>
            <numerusform>%n Änderung</numerusform>
            <numerusform>%n Änderungen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TraceJson</name>
    <message>
        <source>this is not a Cache Lab trace (its &quot;format&quot; is not &quot;cachelab-trace&quot;)</source>
        <translation>das ist keine Cache-Lab-Aufzeichnung (ihr „format“ ist nicht „cachelab-trace“)</translation>
    </message>
    <message>
        <source>the trace has no valid &quot;version&quot;</source>
        <translation>die Aufzeichnung hat keine gültige „version“</translation>
    </message>
    <message>
        <source>this trace was written by a newer Cache Lab (version %1)</source>
        <translation>diese Aufzeichnung stammt von einem neueren Cache Lab (Version %1)</translation>
    </message>
    <message>
        <source>the trace names no valid number of clients</source>
        <translation>die Aufzeichnung nennt keine gültige Anzahl von Clients</translation>
    </message>
    <message>
        <source>event %1 is damaged: %2</source>
        <translation>Ereignis %1 ist beschädigt: %2</translation>
    </message>
    <message>
        <source>its time is missing or negative</source>
        <translation>seine Zeit fehlt oder ist negativ</translation>
    </message>
    <message>
        <source>it names an unknown participant</source>
        <translation>es nennt einen unbekannten Teilnehmer</translation>
    </message>
    <message>
        <source>its kind or verb is unknown</source>
        <translation>seine Art oder sein Verb ist unbekannt</translation>
    </message>
</context>
<context>
    <name>Workload</name>
    <message>
        <source>the run used up its budget of %1 scheduler events after %2 of the %3 requests, so it was stopped; --max-events raises the budget</source>
        <translation>der Lauf hat sein Budget von %1 Ereignissen des Schedulers nach %2 der %3 Anfragen aufgebraucht und wurde angehalten; --max-events erhöht das Budget</translation>
    </message>
    <message>
        <source>only %1 of the %2 requests were issued</source>
        <translation>nur %1 der %2 Anfragen wurden gestellt</translation>
    </message>
</context>
<context>
    <name>WriteBehind</name>
    <message numerus="yes">
        <source>crash: %n acknowledged write(s) lost with the queue</source>
        <translation>
            <numerusform>Absturz: %n bestätigter Schreibvorgang mit der Warteschlange verloren</numerusform>
            <numerusform>Absturz: %n bestätigte Schreibvorgänge mit der Warteschlange verloren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>restart: %n write(s) replayed from the durable queue</source>
        <translation>
            <numerusform>Neustart: %n Schreibvorgang aus der dauerhaften Warteschlange nachgeholt</numerusform>
            <numerusform>Neustart: %n Schreibvorgänge aus der dauerhaften Warteschlange nachgeholt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>gave up after %n retries: writes lost</source>
        <translation>
            <numerusform>nach %n Wiederholung aufgegeben: Schreibvorgänge verloren</numerusform>
            <numerusform>nach %n Wiederholungen aufgegeben: Schreibvorgänge verloren</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>textbook: the failed batch is dropped, %n write(s) lost</source>
        <translation>
            <numerusform>Lehrbuch: der fehlgeschlagene Stapel wird verworfen, %n Schreibvorgang verloren</numerusform>
            <numerusform>Lehrbuch: der fehlgeschlagene Stapel wird verworfen, %n Schreibvorgänge verloren</numerusform>
        </translation>
    </message>
    <message>
        <source>cannot read the durable queue: the cache is down; it stays there for the next restart</source>
        <translation>dauerhafte Warteschlange nicht lesbar: der Cache ist ausgefallen; sie bleibt dort bis zum nächsten Neustart</translation>
    </message>
    <message>
        <source>cannot read the durable queue: the cache is down; trying again</source>
        <translation>dauerhafte Warteschlange nicht lesbar: der Cache ist ausgefallen; neuer Versuch folgt</translation>
    </message>
    <message numerus="yes">
        <source>restart: %n write(s) of the durable queue already in the database, dropped</source>
        <translation>
            <numerusform>Neustart: %n Schreibvorgang der dauerhaften Warteschlange ist schon in der Datenbank, verworfen</numerusform>
            <numerusform>Neustart: %n Schreibvorgänge der dauerhaften Warteschlange sind schon in der Datenbank, verworfen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::Runtime</name>
    <message>
        <source>a background task failed</source>
        <translation>eine Hintergrundaufgabe ist fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>there is no instance %1 (this runtime has %n instance(s))</source>
        <translation>
            <numerusform>es gibt keine Instanz %1 (diese Laufzeit hat %n Instanz)</numerusform>
            <numerusform>es gibt keine Instanz %1 (diese Laufzeit hat %n Instanzen)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::BreakerModel</name>
    <message>
        <source>Breaker</source>
        <translation>Schalter</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Failures</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Trial call</source>
        <translation>Probe</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>in %1</source>
        <translation>in %1</translation>
    </message>
    <message>
        <source>next call</source>
        <translation>nächster Aufruf</translation>
    </message>
    <message>
        <source>Breaker %1</source>
        <translation>Schutzschalter %1</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::CacheModel</name>
    <message>
        <source>(no such row)</source>
        <translation>(keine solche Zeile)</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>TTL</source>
        <translation>TTL</translation>
    </message>
    <message>
        <source>no expiry</source>
        <translation>läuft nicht ab</translation>
    </message>
    <message>
        <source>The cache holds %1, the database %2.</source>
        <translation>Der Cache hält %1, die Datenbank %2.</translation>
    </message>
    <message>
        <source>&quot;no such row&quot;</source>
        <translation>„keine solche Zeile“</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>v%1, not yet in the DB</source>
        <translation>v%1, noch nicht in der DB</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::ChartsPanel</name>
    <message>
        <source>Hit ratio (%)</source>
        <translation>Trefferquote (%)</translation>
    </message>
    <message>
        <source>Share of lookups the cache answered, over the last second of virtual time.</source>
        <translation>Anteil der Nachfragen, die der Cache beantwortet hat, in der letzten Sekunde virtueller Zeit.</translation>
    </message>
    <message>
        <source>Read latency (ms)</source>
        <translation>Leselatenz (ms)</translation>
    </message>
    <message>
        <source>How long reads took: half of them took up to p50, 95 % up to p95, 99 % up to p99 (over the last second of virtual time).</source>
        <translation>Wie lange Lesevorgänge dauerten: die Hälfte höchstens p50, 95 % höchstens p95, 99 % höchstens p99 (in der letzten Sekunde virtueller Zeit).</translation>
    </message>
    <message>
        <source>Write latency (ms)</source>
        <translation>Schreiblatenz (ms)</translation>
    </message>
    <message>
        <source>How long writes took until the application had its answer (p50, p95, p99 over the last second of virtual time).</source>
        <translation>Wie lange Schreibvorgänge dauerten, bis die Anwendung ihre Antwort hatte (p50, p95, p99 in der letzten Sekunde virtueller Zeit).</translation>
    </message>
    <message>
        <source>Rows the application read from and wrote to the database, per second of virtual time.</source>
        <translation>Zeilen, die die Anwendung aus der Datenbank las und in sie schrieb, pro Sekunde virtueller Zeit.</translation>
    </message>
    <message>
        <source>Write-behind queue (entries)</source>
        <translation>Warteschlange (Einträge)</translation>
    </message>
    <message>
        <source>Writes acknowledged but not yet in the database, all instances together.</source>
        <translation>Bestätigte Schreibvorgänge, die noch nicht in der Datenbank sind, alle Instanzen zusammen.</translation>
    </message>
    <message>
        <source>Reads that returned an older version than the database held, and acknowledged writes that will never reach the database, since the lab started.</source>
        <translation>Lesevorgänge, die eine ältere Version lieferten, als die Datenbank hatte, und bestätigte Schreibvorgänge, die die Datenbank nie erreichen werden, seit das Lab läuft.</translation>
    </message>
    <message>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <source>p95</source>
        <translation>p95</translation>
    </message>
    <message>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <source>reads</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <source>writes</source>
        <translation>Schreiben</translation>
    </message>
    <message>
        <source>stale reads</source>
        <translation>veraltet</translation>
    </message>
    <message>
        <source>lost writes</source>
        <translation>verloren</translation>
    </message>
    <message>
        <source>Save Chart as PNG</source>
        <translation>Diagramm als PNG speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Save Live Charts as PNG</source>
        <translation>Live-Diagramme als PNG speichern</translation>
    </message>
    <message>
        <source>Save This Chart as PNG…</source>
        <translation>Dieses Diagramm als PNG speichern …</translation>
    </message>
    <message>
        <source>Save All Charts as PNG…</source>
        <translation>Alle Diagramme als PNG speichern …</translation>
    </message>
    <message>
        <source>Cannot write %1.</source>
        <translation>%1 kann nicht geschrieben werden.</translation>
    </message>
    <message>
        <source>Database reads and writes (/s)</source>
        <translation>DB-Zugriffe (/s)</translation>
    </message>
    <message>
        <source>Stale reads, lost writes (total)</source>
        <translation>Veraltet, verloren (gesamt)</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::ComparisonModel</name>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>The source material does not rate this pattern.</source>
        <translation>Das Quellmaterial bewertet dieses Muster nicht.</translation>
    </message>
    <message>
        <source>What the source material&apos;s comparison table says.</source>
        <translation>Was die Vergleichstabelle des Quellmaterials sagt.</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>Hit ratio</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <source>Read p50</source>
        <translation>Lesen p50</translation>
    </message>
    <message>
        <source>Read p99</source>
        <translation>Lesen p99</translation>
    </message>
    <message>
        <source>Textbook:
read latency</source>
        <translation>Lehrbuch:
Leselatenz</translation>
    </message>
    <message>
        <source>Write p50</source>
        <translation>Schreiben p50</translation>
    </message>
    <message>
        <source>Write p99</source>
        <translation>Schreiben p99</translation>
    </message>
    <message>
        <source>Textbook:
write latency</source>
        <translation>Lehrbuch:
Schreiblatenz</translation>
    </message>
    <message>
        <source>DB reads
per 1,000 ops</source>
        <translation>DB-Lesen
je 1.000 Op.</translation>
    </message>
    <message>
        <source>DB writes
per 1,000 ops</source>
        <translation>DB-Schreiben
je 1.000 Op.</translation>
    </message>
    <message>
        <source>Stale reads</source>
        <translation>Veraltete
Lesevorgänge</translation>
    </message>
    <message>
        <source>Textbook:
consistency</source>
        <translation>Lehrbuch:
Konsistenz</translation>
    </message>
    <message>
        <source>Writes lost
at the crash</source>
        <translation>Beim Absturz
verloren</translation>
    </message>
    <message>
        <source>Textbook:
complexity</source>
        <translation>Lehrbuch:
Komplexität</translation>
    </message>
    <message>
        <source>Lookups the cache answered, of all lookups (L1 hits count as hits)</source>
        <translation>Vom Cache beantwortete Nachfragen, unter allen Nachfragen (L1-Treffer zählen als Treffer)</translation>
    </message>
    <message>
        <source>Half of the operations took at most this long (virtual time)</source>
        <translation>Die Hälfte der Operationen dauerte höchstens so lange (virtuelle Zeit)</translation>
    </message>
    <message>
        <source>99 in 100 operations took at most this long (virtual time)</source>
        <translation>99 von 100 Operationen dauerten höchstens so lange (virtuelle Zeit)</translation>
    </message>
    <message>
        <source>Database rows read or written per 1,000 application operations</source>
        <translation>Gelesene oder geschriebene Datenbankzeilen pro 1.000 Operationen der Anwendung</translation>
    </message>
    <message>
        <source>Reads that returned an older version than the database held</source>
        <translation>Lesevorgänge, die eine ältere Version lieferten, als die Datenbank hatte</translation>
    </message>
    <message>
        <source>Acknowledged writes that never reached the database when every instance crashed halfway through</source>
        <translation>Bestätigte Schreibvorgänge, die die Datenbank nie erreichten, als jede Instanz auf halbem Weg abstürzte</translation>
    </message>
    <message>
        <source>The source material&apos;s own words for this pattern</source>
        <translation>Die eigenen Worte des Quellmaterials zu diesem Muster</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::ComparisonWindow</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Running every pattern on its own lab, one after the other…</source>
        <translation>Jedes Muster läuft in einem eigenen Lab, eines nach dem anderen …</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Wird abgebrochen …</translation>
    </message>
    <message>
        <source>Cancelled: %1 of %2 patterns finished.</source>
        <translation>Abgebrochen: %1 von %2 Mustern fertig.</translation>
    </message>
    <message>
        <source>Done: %1 requests through each of the %2 patterns in %3 s of wall time.</source>
        <translation>Fertig: %1 Anfragen durch jedes der %2 Muster in %3 s echter Zeit.</translation>
    </message>
    <message>
        <source>Hit ratio (%)</source>
        <translation>Trefferquote (%)</translation>
    </message>
    <message>
        <source>hit ratio</source>
        <translation>Trefferquote</translation>
    </message>
    <message>
        <source>Read latency (ms)</source>
        <translation>Leselatenz (ms)</translation>
    </message>
    <message>
        <source>p50</source>
        <translation>p50</translation>
    </message>
    <message>
        <source>p99</source>
        <translation>p99</translation>
    </message>
    <message>
        <source>Write latency (ms)</source>
        <translation>Schreiblatenz (ms)</translation>
    </message>
    <message>
        <source>Database rows per 1,000 operations</source>
        <translation>DB-Zeilen je 1.000 Op.</translation>
    </message>
    <message>
        <source>reads</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <source>writes</source>
        <translation>Schreiben</translation>
    </message>
    <message>
        <source>Writes lost at the crash</source>
        <translation>Beim Absturz verloren</translation>
    </message>
    <message>
        <source>lost writes</source>
        <translation>verlorene Schreibvorgänge</translation>
    </message>
    <message>
        <source>Export Comparison as Markdown</source>
        <translation>Vergleich als Markdown exportieren</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Export Comparison as CSV</source>
        <translation>Vergleich als CSV exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Compare the Patterns — Cache Lab</source>
        <translation>Muster vergleichen — Cache Lab</translation>
    </message>
    <message>
        <source>One workload through all seven patterns</source>
        <translation>Eine Last durch alle sieben Muster</translation>
    </message>
    <message>
        <source>Options:</source>
        <translation>Optionen:</translation>
    </message>
    <message>
        <source>Pattern options, as a scenario writes them; each applies to every pattern that has it</source>
        <translation>Musteroptionen, wie ein Szenario sie schreibt; jede gilt für jedes Muster, das sie hat</translation>
    </message>
    <message>
        <source>Each pattern runs on a fresh lab of its own, in virtual time, and every instance crashes halfway through, so that what a crash costs is measured too. Beside the figures: the source material&apos;s own words (in italics).</source>
        <translation>Jedes Muster läuft in einem eigenen, frischen Lab in virtueller Zeit, und jede Instanz stürzt auf halbem Weg ab, damit auch gemessen wird, was ein Absturz kostet. Neben den Zahlen: die eigenen Worte des Quellmaterials (kursiv).</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Vergleichen</translation>
    </message>
    <message>
        <source>Run the workload through every pattern (in the background)</source>
        <translation>Die Last durch jedes Muster schicken (im Hintergrund)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Comparison progress</source>
        <translation>Fortschritt des Vergleichs</translation>
    </message>
    <message>
        <source>Comparison results</source>
        <translation>Ergebnisse des Vergleichs</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren …</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Markdown exportieren …</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Set up a workload and press Compare.</source>
        <translation>Eine Last einstellen und Vergleichen drücken.</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::DatabaseModel</name>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Cache has</source>
        <translation>Im Cache</translation>
    </message>
    <message>
        <source>(deleted)</source>
        <translation>(gelöscht)</translation>
    </message>
    <message>
        <source>The cache disagrees with the database: it holds %1, the database %2.</source>
        <translation>Cache und Datenbank sind uneins: der Cache hält %1, die Datenbank %2.</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::DiagramView</name>
    <message>
        <source>Sequence diagram</source>
        <translation>Sequenzdiagramm</translation>
    </message>
    <message>
        <source>Messages between the application, its caches and the database, newest at the bottom. Up and Down select a message.</source>
        <translation>Nachrichten zwischen der Anwendung, ihren Caches und der Datenbank, die neueste unten. Pfeil hoch und runter wählen eine Nachricht.</translation>
    </message>
    <message>
        <source>Messages appear here as they happen.
Start a read or a write, or press Play.</source>
        <translation>Nachrichten erscheinen hier, sobald sie geschehen.
Einen Lese- oder Schreibvorgang starten oder Abspielen drücken.</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s). Newest: %1</source>
        <translation>
            <numerusform>%n Nachricht. Neueste: %1</numerusform>
            <numerusform>%n Nachrichten. Neueste: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::FlushGauge</name>
    <message>
        <source>Next flush</source>
        <translation>Nächstes Schreiben</translation>
    </message>
    <message>
        <source>%1: batch %2 of %3</source>
        <translation>%1: Stapel %2 von %3</translation>
    </message>
    <message>
        <source>flush in %1</source>
        <translation>Schreiben in %1</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::HelpDialog</name>
    <message>
        <source>Cache Lab Help</source>
        <translation>Cache-Lab-Hilfe</translation>
    </message>
    <message>
        <source>First Steps</source>
        <translation>Erste Schritte</translation>
    </message>
    <message>
        <source>Reading the Diagram</source>
        <translation>Das Diagramm lesen</translation>
    </message>
    <message>
        <source>Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>A call: the sender waits for the answer (GET, SELECT, SETEX…).</source>
        <translation>Ein Aufruf: der Absender wartet auf die Antwort (GET, SELECT, SETEX …).</translation>
    </message>
    <message>
        <source>The answer to a call (hit, miss, a row, OK).</source>
        <translation>Die Antwort auf einen Aufruf (Treffer, Fehlgriff, eine Zeile, OK).</translation>
    </message>
    <message>
        <source>A message nobody waits for: a write queued for later, a refresh started, an invalidation sent to the other instances.</source>
        <translation>Eine Nachricht, auf die niemand wartet: ein Schreibvorgang für später in die Warteschlange gestellt, eine Auffrischung angestoßen, eine Invalidierung an die anderen Instanzen.</translation>
    </message>
    <message>
        <source>The operation&apos;s result, as the application sees it, in bold beside its own lifeline.</source>
        <translation>Das Ergebnis des Vorgangs, wie die Anwendung es sieht, fett neben ihrer eigenen Lebenslinie.</translation>
    </message>
    <message>
        <source>A message still on its way: the dotted line is where it goes, the head how far it has come.</source>
        <translation>Eine Nachricht, die noch unterwegs ist: die gepunktete Linie zeigt, wohin sie geht, die Spitze, wie weit sie schon ist.</translation>
    </message>
    <message>
        <source>Red: something went wrong — a stale or dirty read, a lost write. The note under it says what and by how much.</source>
        <translation>Rot: etwas ist schiefgegangen – ein veralteter oder schmutziger Lesevorgang, ein verlorener Schreibvorgang. Die Notiz darunter sagt, was und wie sehr.</translation>
    </message>
    <message>
        <source>A tinted band: work in the background (the write-behind queue, the refresher), which no reader waits for.</source>
        <translation>Ein getöntes Band: Arbeit im Hintergrund (die Write-Behind-Warteschlange, der Auffrischer), auf die kein Leser wartet.</translation>
    </message>
    <message>
        <source>An amber band: the messages a lesson points at, such as those that decided a prediction.</source>
        <translation>Ein bernsteinfarbenes Band: die Nachrichten, auf die eine Lektion zeigt, etwa jene, die eine Vorhersage entschieden haben.</translation>
    </message>
    <message>
        <source>A note: something that happened to the state rather than a message — data put in the database, an expiry, a breaker changing state, a crash.</source>
        <translation>Eine Notiz: etwas, das dem Zustand geschah, keine Nachricht – Daten in die Datenbank gelegt, ein Ablauf, ein Breaker, der seinen Zustand wechselt, ein Absturz.</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>&lt;h2&gt;First steps&lt;/h2&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Pick a pattern&lt;/b&gt; in the lab bar (or File ▸ New Lab…). Its options go in the field beside it, as a scenario writes them: &lt;tt&gt;ttl=30s single-flight=on&lt;/tt&gt;. An empty field means the defaults.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Read a key&lt;/b&gt;: type it in the Key field at the bottom and press Enter. The diagram draws every message the read sends; the panels on the right show the cache, the database and the queues as they change.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Go slowly&lt;/b&gt;: pause (Space), then issue an operation and press Step (F6, Page Down or .) to follow it one message at a time. Click a message to see its details.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Break something&lt;/b&gt;: Cache Down, DB Down and Crash are one click away. Red is what went wrong: a stale or dirty read, a lost write.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Open a demo&lt;/b&gt; from the Demos menu to watch a known story, or start a &lt;b&gt;lesson&lt;/b&gt; (Lessons, Ctrl+L), which asks you to predict what happens next.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Measure&lt;/b&gt;: the workload panel drives many clients; in the Measure menu, Compare runs one workload through every pattern and Trade-off Curves draws how a setting moves the figures.&lt;/li&gt;&lt;/ol&gt;</source>
        <translation>&lt;h2&gt;Erste Schritte&lt;/h2&gt;&lt;ol&gt;&lt;li&gt;&lt;b&gt;Ein Muster wählen&lt;/b&gt; in der Labor-Leiste (oder Datei ▸ Neues Lab …). Seine Optionen stehen im Feld daneben, so wie ein Szenario sie schreibt: &lt;tt&gt;ttl=30s single-flight=on&lt;/tt&gt;. Ein leeres Feld heißt: die Voreinstellungen.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Einen Schlüssel lesen&lt;/b&gt;: ihn unten ins Schlüsselfeld tippen und Enter drücken. Das Diagramm zeichnet jede Nachricht, die der Lesevorgang sendet; die Tafeln rechts zeigen Cache, Datenbank und Warteschlangen, während sie sich ändern.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Langsam vorgehen&lt;/b&gt;: anhalten (Leertaste), dann einen Vorgang auslösen und Schritt drücken (F6, Bild ab oder .), um ihm Nachricht für Nachricht zu folgen. Ein Klick auf eine Nachricht zeigt ihre Einzelheiten.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Etwas kaputt machen&lt;/b&gt;: Cache aus, DB aus und Absturz sind einen Klick entfernt. Rot ist, was schiefging: ein veralteter oder schmutziger Lesevorgang, ein verlorener Schreibvorgang.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Eine Demo öffnen&lt;/b&gt; im Menü Demos, um eine bekannte Geschichte zu sehen, oder eine &lt;b&gt;Lektion&lt;/b&gt; beginnen (Lektionen, Strg+L), die fragt, was als Nächstes geschieht.&lt;/li&gt;&lt;li&gt;&lt;b&gt;Messen&lt;/b&gt;: die Last-Tafel treibt viele Clients an; im Menü Messen lässt Muster vergleichen eine Last durch jedes Muster laufen, und Abwägungskurven zeichnet, wie eine Einstellung die Zahlen bewegt.&lt;/li&gt;&lt;/ol&gt;</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::L1Model</name>
    <message>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>TTL</source>
        <translation>TTL</translation>
    </message>
    <message>
        <source>Older than the database: a read here would be stale.</source>
        <translation>Älter als die Datenbank: ein Lesevorgang hier wäre veraltet.</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::LabController</name>
    <message>
        <source>There is no lab to run the workload on.</source>
        <translation>Es gibt kein Lab, auf dem die Last laufen könnte.</translation>
    </message>
    <message>
        <source>A workload is running already: stop it first.</source>
        <translation>Es läuft schon eine Last: erst diese anhalten.</translation>
    </message>
    <message>
        <source>A workload needs at least one request, one key, one client and a rate above zero.</source>
        <translation>Eine Last braucht mindestens eine Anfrage, einen Schlüssel, einen Client und eine Rate über null.</translation>
    </message>
    <message>
        <source>There is no lab to save.</source>
        <translation>Es gibt kein Lab zum Speichern.</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::LessonBrowser</name>
    <message>
        <source>Finished</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Not finished yet</source>
        <translation>Noch nicht abgeschlossen</translation>
    </message>
    <message>
        <source>Lessons — Cache Lab</source>
        <translation>Lektionen — Cache Lab</translation>
    </message>
    <message>
        <source>Learn caching one lesson at a time</source>
        <translation>Caching lernen, eine Lektion nach der anderen</translation>
    </message>
    <message numerus="yes">
        <source>Each lesson plays a short story in the lab. You predict what the cache will do, see why, and then fix a task yourself. %1 of %n lesson(s) finished.</source>
        <translation>
            <numerusform>Jede Lektion spielt eine kurze Geschichte im Labor. Du sagst voraus, was der Cache tun wird, siehst warum und löst dann selbst eine Aufgabe. %1 von %n Lektion abgeschlossen.</numerusform>
            <numerusform>Jede Lektion spielt eine kurze Geschichte im Labor. Du sagst voraus, was der Cache tun wird, siehst warum und löst dann selbst eine Aufgabe. %1 von %n Lektionen abgeschlossen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>Lektion</translation>
    </message>
    <message>
        <source>What it is about</source>
        <translation>Worum es geht</translation>
    </message>
    <message>
        <source>Resume lesson %1 at step %2</source>
        <translation>Lektion %1 bei Schritt %2 fortsetzen</translation>
    </message>
    <message>
        <source>Start Selected Lesson</source>
        <translation>Gewählte Lektion beginnen</translation>
    </message>
    <message>
        <source>Just Explore the Lab</source>
        <translation>Einfach das Labor erkunden</translation>
    </message>
    <message>
        <source>Export My Progress…</source>
        <translation>Meinen Lernstand exportieren…</translation>
    </message>
    <message>
        <source>Open a Learner&apos;s Record…</source>
        <translation>Lernstand öffnen…</translation>
    </message>
    <message>
        <source>%1 does not exist</source>
        <translation>%1 gibt es nicht</translation>
    </message>
    <message>
        <source>Lesson record — %1</source>
        <translation>Lernstand — %1</translation>
    </message>
    <message>
        <source>lesson-record.json</source>
        <translation>lernstand.json</translation>
    </message>
    <message>
        <source>Export My Progress</source>
        <translation>Meinen Lernstand exportieren</translation>
    </message>
    <message>
        <source>Lesson records (*.json)</source>
        <translation>Lernstände (*.json)</translation>
    </message>
    <message>
        <source>Open a Learner&apos;s Record</source>
        <translation>Lernstand öffnen</translation>
    </message>
    <message>
        <source>Stopped at step %1</source>
        <translation>Angehalten bei Schritt %1</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::LessonHub</name>
    <message>
        <source>Cannot open the lesson</source>
        <translation>Die Lektion lässt sich nicht öffnen</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>Lektionen</translation>
    </message>
    <message>
        <source>Your saved progress could not be read, so the lessons start afresh (the old file was kept as *.damaged): %1</source>
        <translation>Dein gespeicherter Lernstand ließ sich nicht lesen, die Lektionen beginnen daher von vorn (die alte Datei liegt als *.damaged daneben): %1</translation>
    </message>
    <message>
        <source>The lessons: learn each pattern step by step (Ctrl+L)</source>
        <translation>Die Lektionen: jedes Muster Schritt für Schritt lernen (Strg+L)</translation>
    </message>
    <message>
        <source>L&amp;essons</source>
        <translation>L&amp;ektionen</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::LessonWindow</name>
    <message>
        <source>Show the solution?</source>
        <translation>Lösung anzeigen?</translation>
    </message>
    <message>
        <source>The lesson goes on with the author&apos;s settings, and this task counts as solved with help. Show the solution?</source>
        <translation>Die Lektion geht mit den Einstellungen der Autorin weiter, und diese Aufgabe zählt als mit Hilfe gelöst. Lösung anzeigen?</translation>
    </message>
    <message>
        <source>Lesson — Cache Lab</source>
        <translation>Lektion — Cache Lab</translation>
    </message>
    <message>
        <source>%1 — Cache Lab</source>
        <translation>%1 — Cache Lab</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>Lektionen</translation>
    </message>
    <message>
        <source>Back to the list of lessons</source>
        <translation>Zurück zur Liste der Lektionen</translation>
    </message>
    <message>
        <source>Start Over</source>
        <translation>Von vorn</translation>
    </message>
    <message>
        <source>Play this lesson again from its beginning</source>
        <translation>Diese Lektion noch einmal von Anfang an spielen</translation>
    </message>
    <message>
        <source>Next  (Space)</source>
        <translation>Weiter  (Leertaste)</translation>
    </message>
    <message>
        <source>Predict</source>
        <translation>Vorhersage</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antworten</translation>
    </message>
    <message>
        <source>Your task</source>
        <translation>Deine Aufgabe</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Show Solution…</source>
        <translation>Lösung anzeigen…</translation>
    </message>
    <message>
        <source>Go On  (Space)</source>
        <translation>Weiter  (Leertaste)</translation>
    </message>
    <message>
        <source>Next Lesson</source>
        <translation>Nächste Lektion</translation>
    </message>
    <message>
        <source>All Lessons</source>
        <translation>Alle Lektionen</translation>
    </message>
    <message>
        <source>Lesson %1 · step %2 of %3</source>
        <translation>Lektion %1 · Schritt %2 von %3</translation>
    </message>
    <message>
        <source>%1   %2</source>
        <translation>%1   %2</translation>
    </message>
    <message>
        <source>Type a whole number and press Answer (or Enter).</source>
        <translation>Gib eine ganze Zahl ein und drücke Antworten (oder Enter).</translation>
    </message>
    <message>
        <source>Click an answer or press its number key.</source>
        <translation>Klicke eine Antwort an oder drücke ihre Zifferntaste.</translation>
    </message>
    <message>
        <source>Could not be decided</source>
        <translation>Ließ sich nicht entscheiden</translation>
    </message>
    <message>
        <source>✔ Right</source>
        <translation>✔ Richtig</translation>
    </message>
    <message>
        <source>✘ Not quite</source>
        <translation>✘ Nicht ganz</translation>
    </message>
    <message>
        <source>You said: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Du hast gesagt: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>nichts</translation>
    </message>
    <message>
        <source>It was: &lt;b&gt;%1&lt;/b&gt;</source>
        <translation>Tatsächlich: &lt;b&gt;%1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>latency %1</source>
        <translation>Latenz %1</translation>
    </message>
    <message>
        <source>clients</source>
        <translation>Clients</translation>
    </message>
    <message>
        <source>pattern</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>&lt;b&gt;Cannot use that:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Das geht so nicht:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>The author&apos;s solution</source>
        <translation>Die Lösung der Autorin</translation>
    </message>
    <message>
        <source>✔ Passed</source>
        <translation>✔ Bestanden</translation>
    </message>
    <message>
        <source>&lt;p&gt;The lesson goes on with: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;</source>
        <translation>&lt;p&gt;Die Lektion geht weiter mit: &lt;b&gt;%1&lt;/b&gt;&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Every goal holds. The lesson goes on in this lab.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Jedes Ziel ist erreicht. Die Lektion geht in diesem Labor weiter.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;The lab could not run:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Das Labor konnte nicht laufen:&lt;/b&gt; %1</translation>
    </message>
    <message>
        <source>✘ Not yet</source>
        <translation>✘ Noch nicht</translation>
    </message>
    <message>
        <source>&lt;p&gt;Goal &lt;b&gt;%1&lt;/b&gt; does not hold: found &lt;b&gt;%2&lt;/b&gt;.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Ziel &lt;b&gt;%1&lt;/b&gt; ist nicht erreicht: gefunden &lt;b&gt;%2&lt;/b&gt;.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;The diagram now shows the run of your check.&lt;/p&gt;</source>
        <translation>&lt;p&gt;Das Diagramm zeigt jetzt den Lauf deiner Prüfung.&lt;/p&gt;</translation>
    </message>
    <message numerus="yes">
        <source>&lt;p&gt;Message(s) %1 broke it, marked in the diagram.&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;Daran scheiterte es: Nachricht %1, im Diagramm markiert.&lt;/p&gt;</numerusform>
            <numerusform>&lt;p&gt;Daran scheiterte es: die Nachrichten %1, im Diagramm markiert.&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;p&gt;%n more goal(s) do not hold either.&lt;/p&gt;</source>
        <translation>
            <numerusform>&lt;p&gt;%n weiteres Ziel ist auch nicht erreicht.&lt;/p&gt;</numerusform>
            <numerusform>&lt;p&gt;%n weitere Ziele sind auch nicht erreicht.&lt;/p&gt;</numerusform>
        </translation>
    </message>
    <message>
        <source>Hints</source>
        <translation>Hinweise</translation>
    </message>
    <message>
        <source>Lesson finished</source>
        <translation>Lektion abgeschlossen</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n prediction(s) right.</source>
        <translation>
            <numerusform>%1 von %n Vorhersage richtig.</numerusform>
            <numerusform>%1 von %n Vorhersagen richtig.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Tasks solved on your own: %1 of %n.</source>
        <translation>
            <numerusform>Selbst gelöste Aufgaben: %1 von %n.</numerusform>
            <numerusform>Selbst gelöste Aufgaben: %1 von %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Solution shown: %n.</source>
        <translation>
            <numerusform>Lösung angezeigt: %n.</numerusform>
            <numerusform>Lösung angezeigt: %n.</numerusform>
        </translation>
    </message>
    <message>
        <source>Lesson %1 · done</source>
        <translation>Lektion %1 · fertig</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;The lesson cannot go on:&lt;/b&gt; %1&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;Die Lektion kann nicht weitergehen:&lt;/b&gt; %1&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Your progress was not saved: %1</source>
        <translation>Dein Lernstand wurde nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Zoom In</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Draw the diagram larger (Ctrl++)</source>
        <translation>Das Diagramm größer zeichnen (Strg++)</translation>
    </message>
    <message>
        <source>Zoom Out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>Draw the diagram smaller (Ctrl+-)</source>
        <translation>Das Diagramm kleiner zeichnen (Strg+-)</translation>
    </message>
    <message numerus="yes">
        <source>Decided by message(s) %1, marked in the diagram.</source>
        <translation>
            <numerusform>Entschieden durch Nachricht %1, im Diagramm markiert.</numerusform>
            <numerusform>Entschieden durch die Nachrichten %1, im Diagramm markiert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>cachelab::ui::MainWindow</name>
    <message>
        <source>About Cache Lab</source>
        <translation>Über Cache Lab</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Cache Lab %1&lt;/h3&gt;&lt;p&gt;Watch caching patterns behave: every arrow on the diagram is a call that really happened, in virtual time.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Cache Lab %1&lt;/h3&gt;&lt;p&gt;Caching-Muster bei der Arbeit zusehen: jeder Pfeil im Diagramm ist ein Aufruf, der wirklich stattfand, in virtueller Zeit.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>The scenario is over: every expectation held.</source>
        <translation>Das Szenario ist zu Ende: jede Erwartung wurde erfüllt.</translation>
    </message>
    <message numerus="yes">
        <source>The scenario is over: %n expectation(s) failed.</source>
        <translation>
            <numerusform>Das Szenario ist zu Ende: %n Erwartung wurde nicht erfüllt.</numerusform>
            <numerusform>Das Szenario ist zu Ende: %n Erwartungen wurden nicht erfüllt.</numerusform>
        </translation>
    </message>
    <message>
        <source>Skipped %1 in which nothing happened</source>
        <translation>%1 übersprungen, in denen nichts geschah</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Demos</source>
        <translation>De&amp;mos</translation>
    </message>
    <message>
        <source>&amp;Export Diagram</source>
        <translation>Diagramm &amp;exportieren</translation>
    </message>
    <message>
        <source>&amp;Playback</source>
        <translation>&amp;Wiedergabe</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Sprache</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Playback</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <source>Try it</source>
        <translation>Ausprobieren</translation>
    </message>
    <message>
        <source>&amp;Open Scenario…</source>
        <translation>Szenario ö&amp;ffnen …</translation>
    </message>
    <message>
        <source>Open a scenario file (*.cls) and play it</source>
        <translation>Eine Szenariodatei (*.cls) öffnen und abspielen</translation>
    </message>
    <message>
        <source>&amp;New Lab…</source>
        <translation>&amp;Neues Lab …</translation>
    </message>
    <message>
        <source>Pick a pattern and its options, and drive it by hand</source>
        <translation>Ein Muster und seine Optionen wählen und es von Hand bedienen</translation>
    </message>
    <message>
        <source>&amp;Restart</source>
        <translation>Neu &amp;starten</translation>
    </message>
    <message>
        <source>Start the same scenario or lab again from the beginning (F5)</source>
        <translation>Dasselbe Szenario oder Lab noch einmal von vorn beginnen (F5)</translation>
    </message>
    <message>
        <source>As &amp;SVG…</source>
        <translation>Als &amp;SVG …</translation>
    </message>
    <message>
        <source>As &amp;PNG…</source>
        <translation>Als &amp;PNG …</translation>
    </message>
    <message>
        <source>As &amp;Mermaid Text…</source>
        <translation>Als &amp;Mermaid-Text …</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Step</source>
        <translation>Schri&amp;tt</translation>
    </message>
    <message>
        <source>Skip &amp;Quiet Time</source>
        <translation>&amp;Ruhige Zeit überspringen</translation>
    </message>
    <message>
        <source>Jump over stretches of virtual time in which no message travels</source>
        <translation>Strecken virtueller Zeit überspringen, in denen keine Nachricht unterwegs ist</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>Ver&amp;größern</translation>
    </message>
    <message>
        <source>Make the diagram bigger (Ctrl++)</source>
        <translation>Das Diagramm vergrößern (Strg++)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>Ver&amp;kleinern</translation>
    </message>
    <message>
        <source>Make the diagram smaller (Ctrl+-)</source>
        <translation>Das Diagramm verkleinern (Strg+-)</translation>
    </message>
    <message>
        <source>&amp;Actual Size</source>
        <translation>&amp;Originalgröße</translation>
    </message>
    <message>
        <source>&amp;Follow</source>
        <translation>&amp;Folgen</translation>
    </message>
    <message>
        <source>Keep the newest message in view</source>
        <translation>Die neueste Nachricht im Blick behalten</translation>
    </message>
    <message>
        <source>&amp;Dark Palette</source>
        <translation>&amp;Dunkle Farben</translation>
    </message>
    <message>
        <source>&amp;About Cache Lab</source>
        <translation>&amp;Über Cache Lab</translation>
    </message>
    <message>
        <source>Lab</source>
        <translation>Lab</translation>
    </message>
    <message>
        <source>Pattern:</source>
        <translation>Muster:</translation>
    </message>
    <message>
        <source>Pick a pattern: a new lab starts at once</source>
        <translation>Ein Muster wählen: ein neues Lab startet sofort</translation>
    </message>
    <message>
        <source> Instances:</source>
        <translation> Instanzen:</translation>
    </message>
    <message>
        <source>Application instances (App A, App B…): they share the cache and the database, each has its own in-process state</source>
        <translation>Anwendungsinstanzen (App A, App B …): sie teilen Cache und Datenbank, jede hat ihren eigenen Zustand im Prozess</translation>
    </message>
    <message>
        <source> Options:</source>
        <translation> Optionen:</translation>
    </message>
    <message>
        <source>Pattern options</source>
        <translation>Musteroptionen</translation>
    </message>
    <message>
        <source>The pattern&apos;s options, as a scenario writes them; Enter applies</source>
        <translation>Die Optionen des Musters, wie ein Szenario sie schreibt; Eingabe übernimmt sie</translation>
    </message>
    <message>
        <source>Start Lab</source>
        <translation>Lab starten</translation>
    </message>
    <message>
        <source>Start a new lab with this pattern, these instances and options</source>
        <translation>Ein neues Lab mit diesem Muster, diesen Instanzen und Optionen starten</translation>
    </message>
    <message>
        <source>Burst</source>
        <translation>Ansturm</translation>
    </message>
    <message>
        <source>Start this many concurrent reads of the key in one instance</source>
        <translation>So viele gleichzeitige Lesevorgänge des Schlüssels in einer Instanz starten</translation>
    </message>
    <message>
        <source>Concurrent reads</source>
        <translation>Gleichzeitige Lesevorgänge</translation>
    </message>
    <message>
        <source>Change DB</source>
        <translation>DB ändern</translation>
    </message>
    <message>
        <source>Another system writes the value straight into the database, behind the application&apos;s back</source>
        <translation>Ein anderes System schreibt den Wert direkt in die Datenbank, hinter dem Rücken der Anwendung</translation>
    </message>
    <message>
        <source>C&amp;lear Diagram</source>
        <translation>Diagramm &amp;leeren</translation>
    </message>
    <message>
        <source>Remove the messages drawn so far; the lab goes on</source>
        <translation>Die bisher gezeichneten Nachrichten entfernen; das Lab läuft weiter</translation>
    </message>
    <message>
        <source>F&amp;ull Screen</source>
        <translation>&amp;Vollbild</translation>
    </message>
    <message>
        <source>Speed:</source>
        <translation>Tempo:</translation>
    </message>
    <message>
        <source> Key:</source>
        <translation> Schlüssel:</translation>
    </message>
    <message>
        <source> Value:</source>
        <translation> Wert:</translation>
    </message>
    <message>
        <source>The application instance that runs the operation</source>
        <translation>Die Anwendungsinstanz, die die Operation ausführt</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Read</source>
        <translation>Lesen</translation>
    </message>
    <message>
        <source>Read the key through the pattern (Enter in the key field)</source>
        <translation>Den Schlüssel über das Muster lesen (Eingabe im Schlüsselfeld)</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>Schreiben</translation>
    </message>
    <message>
        <source>Write the value through the pattern (Enter in the value field)</source>
        <translation>Den Wert über das Muster schreiben (Eingabe im Wertfeld)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the record through the pattern</source>
        <translation>Den Datensatz über das Muster löschen</translation>
    </message>
    <message>
        <source>Invalidate</source>
        <translation>Invalidieren</translation>
    </message>
    <message>
        <source>Remove the key from the cache (and L1) only</source>
        <translation>Den Schlüssel nur aus dem Cache (und L1) entfernen</translation>
    </message>
    <message>
        <source>Cache Down</source>
        <translation>Cache aus</translation>
    </message>
    <message>
        <source>Every call to the cache fails while this is on</source>
        <translation>Solange dies an ist, schlägt jeder Aufruf des Caches fehl</translation>
    </message>
    <message>
        <source>DB Down</source>
        <translation>DB aus</translation>
    </message>
    <message>
        <source>Every call to the database fails while this is on</source>
        <translation>Solange dies an ist, schlägt jeder Aufruf der Datenbank fehl</translation>
    </message>
    <message>
        <source>Crash</source>
        <translation>Absturz</translation>
    </message>
    <message>
        <source>The instance dies and restarts: its in-process state is lost</source>
        <translation>Die Instanz stirbt und startet neu: ihr Zustand im Prozess geht verloren</translation>
    </message>
    <message>
        <source>Story</source>
        <translation>Geschichte</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Message details</source>
        <translation>Nachrichtendetails</translation>
    </message>
    <message>
        <source>Click a message on the diagram to see its details.</source>
        <translation>Eine Nachricht im Diagramm anklicken, um ihre Details zu sehen.</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Cache</translation>
    </message>
    <message>
        <source>What the shared cache holds; the bar is the time left to live.</source>
        <translation>Was der gemeinsame Cache hält; der Balken ist die verbleibende Lebenszeit.</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>The source of truth. Red rows: the cache holds another version.</source>
        <translation>Die Quelle der Wahrheit. Rote Zeilen: der Cache hält eine andere Version.</translation>
    </message>
    <message>
        <source>L1 (in each instance)</source>
        <translation>L1 (in jeder Instanz)</translation>
    </message>
    <message>
        <source>Each instance&apos;s own in-memory cache.</source>
        <translation>Der eigene Cache jeder Instanz im Arbeitsspeicher.</translation>
    </message>
    <message>
        <source>Write-behind queue</source>
        <translation>Write-behind-Warteschlange</translation>
    </message>
    <message>
        <source>Writes acknowledged but not yet in the database.</source>
        <translation>Bestätigte Schreibvorgänge, die noch nicht in der Datenbank sind.</translation>
    </message>
    <message>
        <source>Refresh queue</source>
        <translation>Auffrisch-Warteschlange</translation>
    </message>
    <message>
        <source>Keys the background refresher will reload.</source>
        <translation>Schlüssel, die der Auffrischer im Hintergrund neu laden wird.</translation>
    </message>
    <message>
        <source>Circuit breaker</source>
        <translation>Schutzschalter</translation>
    </message>
    <message>
        <source>Closed: calls go to the cache. Open: they skip it. Half-open: one trial call decides.</source>
        <translation>Geschlossen: Aufrufe gehen zum Cache. Offen: sie überspringen ihn. Halb offen: ein Probeaufruf entscheidet.</translation>
    </message>
    <message>
        <source>got %1</source>
        <translation>erhalten: %1</translation>
    </message>
    <message>
        <source>Line %1: expected %2, got %3</source>
        <translation>Zeile %1: erwartet %2, erhalten %3</translation>
    </message>
    <message>
        <source>Press Play, or Step to go one message at a time.</source>
        <translation>Abspielen drücken, oder Schritt für eine Nachricht nach der anderen.</translation>
    </message>
    <message>
        <source>Step %1 of %2 · line %3</source>
        <translation>Schritt %1 von %2 · Zeile %3</translation>
    </message>
    <message numerus="yes">
        <source>The end: all %n expectation(s) held.</source>
        <translation>
            <numerusform>Ende: die %n Erwartung wurde erfüllt.</numerusform>
            <numerusform>Ende: alle %n Erwartungen wurden erfüllt.</numerusform>
        </translation>
    </message>
    <message>
        <source>The end: %1 held, %2 failed.</source>
        <translation>Ende: %1 erfüllt, %2 nicht erfüllt.</translation>
    </message>
    <message>
        <source>Trade-offs:</source>
        <translation>Abwägungen:</translation>
    </message>
    <message>
        <source>When to use it:</source>
        <translation>Wann es passt:</translation>
    </message>
    <message>
        <source>Options (change them in the bar above):</source>
        <translation>Optionen (in der Leiste oben änderbar):</translation>
    </message>
    <message>
        <source>Use the buttons at the bottom to read and write; every call appears on the diagram.</source>
        <translation>Mit den Schaltflächen unten lesen und schreiben; jeder Aufruf erscheint im Diagramm.</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>&amp;Play</source>
        <translation>&amp;Abspielen</translation>
    </message>
    <message>
        <source>Pause virtual time (Space)</source>
        <translation>Virtuelle Zeit anhalten (Leertaste)</translation>
    </message>
    <message>
        <source>Let virtual time run (Space)</source>
        <translation>Virtuelle Zeit laufen lassen (Leertaste)</translation>
    </message>
    <message>
        <source>Fixed at 1×: a real Redis server keeps real time, so virtual time cannot run faster or slower than the clock on the wall.</source>
        <translation>Fest auf 1×: ein echter Redis-Server lebt in Echtzeit, also kann die virtuelle Zeit nicht schneller oder langsamer laufen als die Uhr an der Wand.</translation>
    </message>
    <message>
        <source>Virtual time per wall-clock time: at 0.05×, a 50 ms database call takes a second to watch.</source>
        <translation>Virtuelle Zeit pro echter Zeit: bei 0,05× dauert ein Datenbankaufruf von 50 ms eine Sekunde zum Zusehen.</translation>
    </message>
    <message>
        <source>  Step %1 of %2</source>
        <translation>  Schritt %1 von %2</translation>
    </message>
    <message>
        <source>Cache Lab</source>
        <translation>Cache Lab</translation>
    </message>
    <message>
        <source>%1 — Cache Lab</source>
        <translation>%1 — Cache Lab</translation>
    </message>
    <message>
        <source>%1: read %2 failed: %3</source>
        <translation>%1: Lesen von %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>%1: read %2 → %3 (%4) in %5</source>
        <translation>%1: %2 gelesen → %3 (%4) in %5</translation>
    </message>
    <message>
        <source>%1: read %2 → not found, in %3</source>
        <translation>%1: %2 gelesen → nicht gefunden, in %3</translation>
    </message>
    <message>
        <source>— stale: the database has v%1</source>
        <translation>— veraltet: die Datenbank hat v%1</translation>
    </message>
    <message>
        <source>%1: wrote %2 in %3</source>
        <translation>%1: %2 geschrieben in %3</translation>
    </message>
    <message>
        <source>%1: write of %2 failed: %3</source>
        <translation>%1: Schreiben von %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>%1: deleted %2 in %3</source>
        <translation>%1: %2 gelöscht in %3</translation>
    </message>
    <message>
        <source>%1: delete of %2 failed: %3</source>
        <translation>%1: Löschen von %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>%1: invalidated %2 in %3</source>
        <translation>%1: %2 invalidiert in %3</translation>
    </message>
    <message>
        <source>%1: invalidation of %2 failed: %3</source>
        <translation>%1: Invalidieren von %2 fehlgeschlagen: %3</translation>
    </message>
    <message>
        <source>call</source>
        <translation>Aufruf</translation>
    </message>
    <message>
        <source>reply</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>message nobody waits for</source>
        <translation>Nachricht, auf die niemand wartet</translation>
    </message>
    <message>
        <source>note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>From → to</source>
        <translation>Von → an</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Travel time</source>
        <translation>Laufzeit</translation>
    </message>
    <message>
        <source>Arrives at</source>
        <translation>Kommt an</translation>
    </message>
    <message>
        <source>Operation</source>
        <translation>Operation</translation>
    </message>
    <message>
        <source>background work</source>
        <translation>Hintergrundarbeit</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Version</translation>
    </message>
    <message>
        <source>TTL</source>
        <translation>TTL</translation>
    </message>
    <message>
        <source>Latency (whole operation)</source>
        <translation>Latenz (ganze Operation)</translation>
    </message>
    <message>
        <source>stale read</source>
        <translation>veralteter Lesevorgang</translation>
    </message>
    <message>
        <source>lost writes</source>
        <translation>verlorene Schreibvorgänge</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>cached &quot;no such row&quot;</source>
        <translation>gecachtes „keine solche Zeile“</translation>
    </message>
    <message>
        <source>Flags</source>
        <translation>Merkmale</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>A key is one word without spaces, such as user:1.</source>
        <translation>Ein Schlüssel ist ein Wort ohne Leerzeichen, etwa user:1.</translation>
    </message>
    <message>
        <source>Another system wrote %1 straight into the database.</source>
        <translation>Ein anderes System schrieb %1 direkt in die Datenbank.</translation>
    </message>
    <message>
        <source>Cannot start the lab</source>
        <translation>Das Lab lässt sich nicht starten</translation>
    </message>
    <message>
        <source>Open Scenario</source>
        <translation>Szenario öffnen</translation>
    </message>
    <message>
        <source>Cache Lab scenarios (*.cls)</source>
        <translation>Cache-Lab-Szenarien (*.cls)</translation>
    </message>
    <message>
        <source>Cannot open the scenario</source>
        <translation>Das Szenario lässt sich nicht öffnen</translation>
    </message>
    <message>
        <source>Cannot restart</source>
        <translation>Neustart nicht möglich</translation>
    </message>
    <message>
        <source>Export Diagram as SVG</source>
        <translation>Diagramm als SVG exportieren</translation>
    </message>
    <message>
        <source>SVG images (*.svg)</source>
        <translation>SVG-Bilder (*.svg)</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Export fehlgeschlagen</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Export Diagram as PNG</source>
        <translation>Diagramm als PNG exportieren</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>Export Diagram as Mermaid Text</source>
        <translation>Diagramm als Mermaid-Text exportieren</translation>
    </message>
    <message>
        <source>Mermaid diagrams (*.mmd *.md *.txt)</source>
        <translation>Mermaid-Diagramme (*.mmd *.md *.txt)</translation>
    </message>
    <message>
        <source>The new settings do not work</source>
        <translation>Die neuen Einstellungen funktionieren nicht</translation>
    </message>
    <message>
        <source>Settings applied; the lab started again.</source>
        <translation>Einstellungen übernommen; das Lab hat neu begonnen.</translation>
    </message>
    <message>
        <source>No translation for %1</source>
        <translation>Keine Übersetzung für %1</translation>
    </message>
    <message>
        <source>&amp;Measure</source>
        <translation>&amp;Messen</translation>
    </message>
    <message>
        <source>Open Se&amp;ssion…</source>
        <translation>Si&amp;tzung öffnen …</translation>
    </message>
    <message>
        <source>Replay a saved session with a time slider</source>
        <translation>Eine gespeicherte Sitzung mit einem Zeitschieber wiedergeben</translation>
    </message>
    <message>
        <source>Sa&amp;ve Session…</source>
        <translation>Sitzung s&amp;peichern …</translation>
    </message>
    <message>
        <source>Save everything done to this lab so far, to replay it later (Ctrl+S)</source>
        <translation>Alles bisher mit diesem Lab Getane speichern, um es später wiederzugeben (Strg+S)</translation>
    </message>
    <message>
        <source>&amp;Compare the Patterns…</source>
        <translation>Muster &amp;vergleichen …</translation>
    </message>
    <message>
        <source>Run one workload through all seven patterns and compare the figures with the textbook&apos;s words</source>
        <translation>Eine Last durch alle sieben Muster schicken und die Zahlen mit den Worten des Lehrbuchs vergleichen</translation>
    </message>
    <message>
        <source>Save Live Charts as &amp;PNG…</source>
        <translation>Live-Diagramme als &amp;PNG speichern …</translation>
    </message>
    <message>
        <source>Workload</source>
        <translation>Last</translation>
    </message>
    <message>
        <source>&amp;Workload Panel</source>
        <translation>&amp;Lastbereich</translation>
    </message>
    <message>
        <source>Send a stream of requests to the current lab</source>
        <translation>Einen Strom von Anfragen an das aktuelle Lab schicken</translation>
    </message>
    <message>
        <source>Live Charts</source>
        <translation>Live-Diagramme</translation>
    </message>
    <message>
        <source>Live &amp;Charts</source>
        <translation>Live-&amp;Diagramme</translation>
    </message>
    <message>
        <source>Hit ratio, latencies, database load and anomalies against virtual time</source>
        <translation>Trefferquote, Latenzen, Datenbanklast und Anomalien über der virtuellen Zeit</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Sitzungswiedergabe</translation>
    </message>
    <message>
        <source>Play or pause the replay (Space)</source>
        <translation>Wiedergabe abspielen oder anhalten (Leertaste)</translation>
    </message>
    <message>
        <source>Replay position</source>
        <translation>Wiedergabeposition</translation>
    </message>
    <message>
        <source>Drag to any moment of the session, forwards or back</source>
        <translation>Zu einem beliebigen Moment der Sitzung ziehen, vor oder zurück</translation>
    </message>
    <message>
        <source> Speed:</source>
        <translation> Tempo:</translation>
    </message>
    <message>
        <source>Back to the Live Lab</source>
        <translation>Zurück zum laufenden Lab</translation>
    </message>
    <message>
        <source>Leave the replay; the live lab goes on where it was (Esc)</source>
        <translation>Die Wiedergabe verlassen; das laufende Lab macht weiter, wo es war (Esc)</translation>
    </message>
    <message>
        <source>This session is long: what happens from %1 on is no longer recorded (a saved session holds at most %2 commands).</source>
        <translation>Diese Sitzung ist lang: was ab %1 geschieht, wird nicht mehr aufgezeichnet (eine gespeicherte Sitzung fasst höchstens %2 Befehle).</translation>
    </message>
    <message>
        <source>Replay of %1</source>
        <translation>Wiedergabe von %1</translation>
    </message>
    <message>
        <source>About %1 messages a second at %2: too many to read. Drawn: one operation in %3, each in full, and red and background messages. Slow down to see more.</source>
        <translation>Etwa %1 Nachrichten pro Sekunde bei %2: zu viele zum Lesen. Gezeichnet: eine von %3 Operationen, jede vollständig, dazu rote und Hintergrund-Nachrichten. Langsamer stellen, um mehr zu sehen.</translation>
    </message>
    <message>
        <source>This session cannot be saved: %1.</source>
        <translation>Diese Sitzung kann nicht gespeichert werden: %1.</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Save Session</source>
        <translation>Sitzung speichern</translation>
    </message>
    <message>
        <source>Cache Lab sessions (*.cachelab.json *.json)</source>
        <translation>Cache-Lab-Sitzungen (*.cachelab.json *.json)</translation>
    </message>
    <message>
        <source>Cannot save the session</source>
        <translation>Die Sitzung kann nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Saved the first %1 of the session to %2: a session records at most %3 commands.</source>
        <translation>Die ersten %1 der Sitzung in %2 gespeichert: eine Sitzung zeichnet höchstens %3 Befehle auf.</translation>
    </message>
    <message>
        <source>Saved %1 of the session to %2</source>
        <translation>%1 der Sitzung in %2 gespeichert</translation>
    </message>
    <message>
        <source>Replaying %1: drag the slider, or press Play.</source>
        <translation>Wiedergabe von %1: den Schieber ziehen oder Abspielen drücken.</translation>
    </message>
    <message>
        <source>Replaying %1, but %2.</source>
        <translation>Wiedergabe von %1, aber %2.</translation>
    </message>
    <message>
        <source>Open Session</source>
        <translation>Sitzung öffnen</translation>
    </message>
    <message>
        <source>Cannot open the session</source>
        <translation>Die Sitzung kann nicht geöffnet werden</translation>
    </message>
    <message>
        <source>Back to the live lab.</source>
        <translation>Zurück im laufenden Lab.</translation>
    </message>
    <message>
        <source>Too many messages a second to read at %1: drawing one operation in %2. Pause or slow down to see every message.</source>
        <translation>Zu viele Nachrichten pro Sekunde zum Lesen bei %1: gezeichnet wird eine von %2 Operationen. Anhalten oder langsamer stellen, um jede Nachricht zu sehen.</translation>
    </message>
    <message>
        <source>Replay: %1</source>
        <translation>Wiedergabe: %1</translation>
    </message>
    <message>
        <source>Done by %1: %2 of %3 commands</source>
        <translation>Erledigt bis %1: %2 von %3 Befehlen</translation>
    </message>
    <message>
        <source>Next, at %1:</source>
        <translation>Als Nächstes, bei %1:</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Play</source>
        <translation>Abspielen</translation>
    </message>
    <message>
        <source>Replay of %1 </source>
        <translation>Wiedergabe von %1 </translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>differs from the recording </source>
        <translation>weicht von der Aufzeichnung ab </translation>
    </message>
    <message>
        <source>&amp;Trade-off Curves…</source>
        <translation>&amp;Abwägungskurven…</translation>
    </message>
    <message>
        <source>Vary one setting, such as the TTL, and draw how each pattern&apos;s hit ratio, stale reads, load or latency move</source>
        <translation>Eine Einstellung wie die TTL verändern und zeichnen, wie sich Trefferquote, veraltete Lesezugriffe, Last oder Latenz jedes Musters bewegen</translation>
    </message>
    <message>
        <source>— dirty: the database never committed it</source>
        <translation>— schmutzig: die Datenbank hat es nie festgeschrieben</translation>
    </message>
    <message>
        <source>dirty read</source>
        <translation>schmutziger Lesevorgang</translation>
    </message>
    <message>
        <source>Run to the next message sent or arriving (F6, Page Down or .)</source>
        <translation>Bis zur nächsten gesendeten oder ankommenden Nachricht laufen (F6, Bild ab oder .)</translation>
    </message>
    <message>
        <source>Save this session before closing?</source>
        <translation>Diese Sitzung vor dem Schließen speichern?</translation>
    </message>
    <message>
        <source>What was done in this lab since it started is lost otherwise. A saved session can be replayed step by step.</source>
        <translation>Sonst geht verloren, was seit dem Start in diesem Labor geschah. Eine gespeicherte Sitzung lässt sich Schritt für Schritt wiedergeben.</translation>
    </message>
    <message>
        <source>Paused: Step (F6, Page Down) follows the operation message by message, Play (Space) runs it.</source>
        <translation>Angehalten: Schritt (F6, Bild ab) verfolgt den Vorgang Nachricht für Nachricht, Abspielen (Leertaste) lässt ihn laufen.</translation>
    </message>
    <message>
        <source>Cache Lab &amp;Help</source>
        <translation>Cache-Lab-&amp;Hilfe</translation>
    </message>
    <message>
        <source>First steps, how to read the diagram, and every shortcut (F1)</source>
        <translation>Erste Schritte, wie man das Diagramm liest, und alle Tastenkürzel (F1)</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::MetricsChartModel</name>
    <message>
        <source>Time (s)</source>
        <translation>Zeit (s)</translation>
    </message>
    <message>
        <source>Hit ratio (%)</source>
        <translation>Trefferquote (%)</translation>
    </message>
    <message>
        <source>Read p50 (ms)</source>
        <translation>Lesen p50 (ms)</translation>
    </message>
    <message>
        <source>Read p95 (ms)</source>
        <translation>Lesen p95 (ms)</translation>
    </message>
    <message>
        <source>Read p99 (ms)</source>
        <translation>Lesen p99 (ms)</translation>
    </message>
    <message>
        <source>Write p50 (ms)</source>
        <translation>Schreiben p50 (ms)</translation>
    </message>
    <message>
        <source>Write p95 (ms)</source>
        <translation>Schreiben p95 (ms)</translation>
    </message>
    <message>
        <source>Write p99 (ms)</source>
        <translation>Schreiben p99 (ms)</translation>
    </message>
    <message>
        <source>DB reads/s</source>
        <translation>DB-Lesezugriffe/s</translation>
    </message>
    <message>
        <source>DB writes/s</source>
        <translation>DB-Schreibzugriffe/s</translation>
    </message>
    <message>
        <source>Write queue</source>
        <translation>Schreib-Warteschlange</translation>
    </message>
    <message>
        <source>Stale reads</source>
        <translation>Veraltete Lesevorgänge</translation>
    </message>
    <message>
        <source>Lost writes</source>
        <translation>Verlorene Schreibvorgänge</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::NewLabDialog</name>
    <message>
        <source>New Lab</source>
        <translation>Neues Lab</translation>
    </message>
    <message>
        <source>Application instances (App A, App B…): they share the cache and the database, each has its own in-process state</source>
        <translation>Anwendungsinstanzen (App A, App B …): sie teilen Cache und Datenbank, jede hat ihren eigenen Zustand im Prozess</translation>
    </message>
    <message>
        <source>Pattern options</source>
        <translation>Musteroptionen</translation>
    </message>
    <message>
        <source>&amp;Pattern:</source>
        <translation>&amp;Muster:</translation>
    </message>
    <message>
        <source>&amp;Instances:</source>
        <translation>&amp;Instanzen:</translation>
    </message>
    <message>
        <source>&amp;Options:</source>
        <translation>&amp;Optionen:</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::RefreshQueueModel</name>
    <message>
        <source>Refresher</source>
        <translation>Auffrischer</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet seit</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>reloading</source>
        <translation>lädt neu</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::ReplayController</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>%1 is too large to be a Cache Lab session.</source>
        <translation>%1 ist zu groß für eine Cache-Lab-Sitzung.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>the replay made %1 messages, the session recorded %2</source>
        <translation>die Wiedergabe erzeugte %1 Nachrichten, die Sitzung zeichnete %2 auf</translation>
    </message>
    <message>
        <source>from %1 on, the replay differs from the recording (message %2: recorded &quot;%3&quot;, replayed &quot;%4&quot;)</source>
        <translation>ab %1 weicht die Wiedergabe von der Aufzeichnung ab (Nachricht %2: aufgezeichnet „%3“, wiedergegeben „%4“)</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Shared cache</source>
        <translation>Gemeinsamer Cache</translation>
    </message>
    <message>
        <source>Embedded store (virtual time, no server)</source>
        <translation>Eingebauter Speicher (virtuelle Zeit, kein Server)</translation>
    </message>
    <message>
        <source>Redis server:</source>
        <translation>Redis-Server:</translation>
    </message>
    <message>
        <source>Redis URL</source>
        <translation>Redis-URL</translation>
    </message>
    <message>
        <source>&amp;Test</source>
        <translation>&amp;Testen</translation>
    </message>
    <message>
        <source>Connect once and report what happened</source>
        <translation>Einmal verbinden und berichten, was geschah</translation>
    </message>
    <message>
        <source>With a Redis server, time runs at 1× and TTLs are Redis&apos;s own.</source>
        <translation>Mit einem Redis-Server läuft die Zeit mit 1×, und die TTLs sind die von Redis.</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>SQLite in memory (forgotten on exit)</source>
        <translation>SQLite im Arbeitsspeicher (beim Beenden vergessen)</translation>
    </message>
    <message>
        <source>SQLite file:</source>
        <translation>SQLite-Datei:</translation>
    </message>
    <message>
        <source>Database file</source>
        <translation>Datenbankdatei</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Durchsuchen …</translation>
    </message>
    <message>
        <source>Modelled latency of one call (labs started by hand)</source>
        <translation>Modellierte Latenz eines Aufrufs (von Hand gestartete Labs)</translation>
    </message>
    <message>
        <source>Cache:</source>
        <translation>Cache:</translation>
    </message>
    <message>
        <source>L1 (in-process):</source>
        <translation>L1 (im Prozess):</translation>
    </message>
    <message>
        <source>Database read:</source>
        <translation>Datenbank lesen:</translation>
    </message>
    <message>
        <source>Database write:</source>
        <translation>Datenbank schreiben:</translation>
    </message>
    <message>
        <source>Scenarios set their own latencies.</source>
        <translation>Szenarien setzen ihre eigenen Latenzen.</translation>
    </message>
    <message>
        <source>SQLite databases (*.sqlite *.db)</source>
        <translation>SQLite-Datenbanken (*.sqlite *.db)</translation>
    </message>
    <message>
        <source>Enter a URL such as redis://127.0.0.1:6379 first.</source>
        <translation>Zuerst eine URL wie redis://127.0.0.1:6379 eingeben.</translation>
    </message>
    <message>
        <source>Connected: %1</source>
        <translation>Verbunden: %1</translation>
    </message>
    <message>
        <source>Could not connect: %1</source>
        <translation>Keine Verbindung: %1</translation>
    </message>
    <message>
        <source>Database URL:</source>
        <translation>Datenbank-URL:</translation>
    </message>
    <message>
        <source>postgresql://user@host/database</source>
        <translation>postgresql://benutzer@host/datenbank</translation>
    </message>
    <message>
        <source>Database URL</source>
        <translation>Datenbank-URL</translation>
    </message>
    <message>
        <source>postgresql://user[:password]@host[:port]/database, or sqlite:///path/to/file; add ?table=T&amp;key=K&amp;value=V[&amp;version=N] to use your own table</source>
        <translation>postgresql://benutzer[:passwort]@host[:port]/datenbank oder sqlite:///pfad/zur/datei; ?table=T&amp;key=K&amp;value=V[&amp;version=N] anhängen, um Ihre eigene Tabelle zu verwenden</translation>
    </message>
    <message>
        <source>T&amp;est</source>
        <translation>Te&amp;sten</translation>
    </message>
    <message>
        <source>Open the database once and report what happened</source>
        <translation>Die Datenbank einmal öffnen und berichten, was geschah</translation>
    </message>
    <message>
        <source>Enter a URL such as postgresql://ann@localhost/shop first.</source>
        <translation>Zuerst eine URL wie postgresql://ann@localhost/shop eingeben.</translation>
    </message>
    <message numerus="yes">
        <source>Opened %1: %n row(s).</source>
        <translation>
            <numerusform>%1 geöffnet: %n Zeile.</numerusform>
            <numerusform>%1 geöffnet: %n Zeilen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not open: %1</source>
        <translation>Öffnen fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::TradeoffsWindow</name>
    <message>
        <source>ttl: how long an entry lives</source>
        <translation>ttl: wie lange ein Eintrag lebt</translation>
    </message>
    <message>
        <source>l1-ttl: how long an in-process copy lives</source>
        <translation>l1-ttl: wie lange eine Kopie im Prozess lebt</translation>
    </message>
    <message>
        <source>l1-capacity: entries an in-process cache holds</source>
        <translation>l1-capacity: Einträge, die ein Cache im Prozess hält</translation>
    </message>
    <message>
        <source>threshold: when refresh-ahead reloads</source>
        <translation>threshold: wann refresh-ahead neu lädt</translation>
    </message>
    <message>
        <source>batch: write-behind&apos;s batch size</source>
        <translation>batch: Stapelgröße von write-behind</translation>
    </message>
    <message>
        <source>flush: write-behind&apos;s flush interval</source>
        <translation>flush: Schreibintervall von write-behind</translation>
    </message>
    <message>
        <source>jitter: spread of the TTLs</source>
        <translation>jitter: Streuung der TTLs</translation>
    </message>
    <message>
        <source>failures: failures that open the breaker</source>
        <translation>failures: Fehler, die den Schutzschalter öffnen</translation>
    </message>
    <message>
        <source>write-ratio: share of writes</source>
        <translation>write-ratio: Anteil der Schreibzugriffe</translation>
    </message>
    <message>
        <source>keys: distinct keys</source>
        <translation>keys: verschiedene Schlüssel</translation>
    </message>
    <message>
        <source>clients: application instances</source>
        <translation>clients: Anwendungsinstanzen</translation>
    </message>
    <message>
        <source>latency.db: database round trip</source>
        <translation>latency.db: Umlaufzeit der Datenbank</translation>
    </message>
    <message>
        <source>latency.cache: cache round trip</source>
        <translation>latency.cache: Umlaufzeit des Caches</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>Cancelled: %n point(s) measured.</source>
        <translation>
            <numerusform>Abgebrochen: %n Punkt gemessen.</numerusform>
            <numerusform>Abgebrochen: %n Punkte gemessen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n run(s) in %1 s. Click a point to open that run in the lab.</source>
        <translation>
            <numerusform>%n Lauf in %1 s. Klicke auf einen Punkt, um diesen Lauf im Labor zu öffnen.</numerusform>
            <numerusform>%n Läufe in %1 s. Klicke auf einen Punkt, um diesen Lauf im Labor zu öffnen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Trade-offs</source>
        <translation>Abwägungen</translation>
    </message>
    <message>
        <source>Vary</source>
        <translation>Verändern</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Log scale</source>
        <translation>Logarithmisch</translation>
    </message>
    <message>
        <source>Points</source>
        <translation>Punkte</translation>
    </message>
    <message>
        <source>Seeds</source>
        <translation>Seeds</translation>
    </message>
    <message>
        <source>Each point runs once per seed; the band around a curve is the 95% confidence interval over the seeds.</source>
        <translation>Jeder Punkt läuft einmal je Seed; das Band um eine Kurve ist das 95-%-Konfidenzintervall über die Seeds.</translation>
    </message>
    <message>
        <source>Measure</source>
        <translation>Messgröße</translation>
    </message>
    <message>
        <source>Patterns</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Ausführen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren…</translation>
    </message>
    <message>
        <source>Choose at least one pattern.</source>
        <translation>Wähle mindestens ein Muster.</translation>
    </message>
    <message numerus="yes">
        <source>Measuring %n pattern(s)…</source>
        <translation>
            <numerusform>%n Muster wird gemessen…</numerusform>
            <numerusform>%n Muster werden gemessen…</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (seconds)</source>
        <translation>%1 (Sekunden)</translation>
    </message>
    <message>
        <source>Opened %1 with %2=%3 in the lab.</source>
        <translation>%1 mit %2=%3 im Labor geöffnet.</translation>
    </message>
    <message>
        <source>the file cannot be created</source>
        <translation>die Datei kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>Export the curves</source>
        <translation>Die Kurven exportieren</translation>
    </message>
    <message>
        <source>PNG image (*.png);;SVG drawing (*.svg);;CSV table (*.csv)</source>
        <translation>PNG-Bild (*.png);;SVG-Zeichnung (*.svg);;CSV-Tabelle (*.csv)</translation>
    </message>
    <message>
        <source>Choose what to vary and which patterns to measure, then press Run. Each curve shows the chosen measure; its band is the 95% confidence interval over the seeds.</source>
        <translation>Wähle, was sich ändern soll und welche Muster gemessen werden, dann drücke Ausführen. Jede Kurve zeigt die gewählte Messgröße; ihr Band ist das 95-%-Konfidenzintervall über die Seeds.</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::WorkloadForm</name>
    <message>
        <source>About %1 of virtual time; keys item:1 … item:%2.</source>
        <translation>Etwa %1 virtuelle Zeit; Schlüssel item:1 … item:%2.</translation>
    </message>
    <message>
        <source>Clients:</source>
        <translation>Clients:</translation>
    </message>
    <message>
        <source>Application instances that send requests (at most the lab&apos;s instances, set in the Lab bar)</source>
        <translation>Anwendungsinstanzen, die Anfragen senden (höchstens so viele, wie das Lab hat; in der Lab-Leiste einstellbar)</translation>
    </message>
    <message>
        <source>Rate:</source>
        <translation>Rate:</translation>
    </message>
    <message>
        <source> /s</source>
        <translation> /s</translation>
    </message>
    <message>
        <source>Requests per second of virtual time, arriving at random (Poisson)</source>
        <translation>Anfragen pro Sekunde virtueller Zeit, zufällig eintreffend (Poisson)</translation>
    </message>
    <message>
        <source>Writes:</source>
        <translation>Schreiben:</translation>
    </message>
    <message>
        <source>Share of requests that are writes; the rest are reads</source>
        <translation>Anteil der Anfragen, die schreiben; der Rest liest</translation>
    </message>
    <message>
        <source>Keys:</source>
        <translation>Schlüssel:</translation>
    </message>
    <message>
        <source>How many different keys the requests use</source>
        <translation>Wie viele verschiedene Schlüssel die Anfragen verwenden</translation>
    </message>
    <message>
        <source>Requests:</source>
        <translation>Anfragen:</translation>
    </message>
    <message>
        <source>How many requests the workload sends in all</source>
        <translation>Wie viele Anfragen die Last insgesamt sendet</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>Startwert:</translation>
    </message>
    <message>
        <source>The same seed gives the same requests</source>
        <translation>Derselbe Startwert ergibt dieselben Anfragen</translation>
    </message>
    <message>
        <source>Keys drawn:</source>
        <translation>Schlüsselwahl:</translation>
    </message>
    <message>
        <source>Uniformly</source>
        <translation>Gleichverteilt</translation>
    </message>
    <message>
        <source>By Zipf&apos;s law</source>
        <translation>Nach Zipfs Gesetz</translation>
    </message>
    <message>
        <source>From a hot set</source>
        <translation>Aus einer heißen Menge</translation>
    </message>
    <message>
        <source>How often each key is asked for</source>
        <translation>Wie oft jeder Schlüssel angefragt wird</translation>
    </message>
    <message>
        <source>exponent s</source>
        <translation>Exponent s</translation>
    </message>
    <message>
        <source>The k-th most popular key gets a share proportional to 1/k^s: the larger s, the more the top keys dominate</source>
        <translation>Der k-beliebteste Schlüssel bekommt einen Anteil proportional zu 1/k^s: je größer s, desto mehr dominieren die obersten Schlüssel</translation>
    </message>
    <message>
        <source>of the keys get</source>
        <translation>der Schlüssel bekommen</translation>
    </message>
    <message>
        <source>of the requests</source>
        <translation>der Anfragen</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::WorkloadPanel</name>
    <message>
        <source>Workload stopped; the requests in flight finish.</source>
        <translation>Last angehalten; die laufenden Anfragen werden fertig.</translation>
    </message>
    <message numerus="yes">
        <source>Workload started: %Ln request(s) at %1 a second.</source>
        <translation>
            <numerusform>Last gestartet: %Ln Anfrage mit %1 pro Sekunde.</numerusform>
            <numerusform>Last gestartet: %Ln Anfragen mit %1 pro Sekunde.</numerusform>
        </translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Requests go to the current pattern of the current lab; the diagram, the panels and the charts follow them.</source>
        <translation>Die Anfragen gehen an das aktuelle Muster des aktuellen Labs; Sequenzdiagramm, Bereiche und Live-Diagramme folgen ihnen.</translation>
    </message>
    <message>
        <source>%1 of %2 requests issued, %3 in flight.</source>
        <translation>%1 von %2 Anfragen gestellt, %3 unterwegs.</translation>
    </message>
    <message>
        <source>Paused.</source>
        <translation>Angehalten.</translation>
    </message>
    <message>
        <source>Done.</source>
        <translation>Fertig.</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>Beendet.</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Start sending these requests to the current lab</source>
        <translation>Diese Anfragen an das aktuelle Lab zu senden beginnen</translation>
    </message>
    <message>
        <source>Pause or resume virtual time, and with it the workload (Space)</source>
        <translation>Virtuelle Zeit und damit die Last anhalten oder weiterlaufen lassen (Leertaste)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Send no more requests; those in flight finish</source>
        <translation>Keine Anfragen mehr senden; die laufenden werden fertig</translation>
    </message>
    <message>
        <source>Requests issued</source>
        <translation>Gestellte Anfragen</translation>
    </message>
</context>
<context>
    <name>cachelab::ui::WriteQueueModel</name>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet seit</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>(delete)</source>
        <translation>(löschen)</translation>
    </message>
    <message>
        <source>writing</source>
        <translation>wird geschrieben</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>%1, %2 writes merged</source>
        <translation>%1, %2 Schreibvorgänge zusammengefasst</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Watch caching patterns behave.</source>
        <translation>Caching-Mustern bei der Arbeit zusehen.</translation>
    </message>
    <message>
        <source>A scenario file (*.cls) to play.</source>
        <translation>Eine Szenariodatei (*.cls) zum Abspielen.</translation>
    </message>
    <message>
        <source>Use language CODE (en, de).</source>
        <translation>Die Sprache CODE verwenden (en, de).</translation>
    </message>
    <message>
        <source>Use the Redis server at URL as the shared cache.</source>
        <translation>Den Redis-Server unter URL als gemeinsamen Cache verwenden.</translation>
    </message>
    <message>
        <source>With --screenshot: stop after the command on line LINE.</source>
        <translation>Mit --screenshot: nach dem Befehl in Zeile LINE anhalten.</translation>
    </message>
    <message>
        <source>Use a dark palette.</source>
        <translation>Dunkle Farben verwenden.</translation>
    </message>
    <message>
        <source>cachelab: %1</source>
        <translation>cachelab: %1</translation>
    </message>
    <message>
        <source>Cache Lab</source>
        <translation>Cache Lab</translation>
    </message>
    <message>
        <source>Give at most one scenario file.</source>
        <translation>Höchstens eine Szenariodatei angeben.</translation>
    </message>
    <message>
        <source>Cache Lab cannot start</source>
        <translation>Cache Lab kann nicht starten</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Start a workload (the Workload panel&apos;s defaults) on the lab and show the live charts.</source>
        <translation>Eine Last (mit den Vorgaben des Lastbereichs) auf dem Lab starten und die Live-Diagramme zeigen.</translation>
    </message>
    <message>
        <source>With --workload and --screenshot: let SECONDS of virtual time pass first (default 30).</source>
        <translation>Mit --workload und --screenshot: zuerst SECONDS virtuelle Zeit vergehen lassen (Standard 30).</translation>
    </message>
    <message>
        <source>Open the comparison of the patterns. With --screenshot: run it and save that window.</source>
        <translation>Den Vergleich der Muster öffnen. Mit --screenshot: ihn ausführen und dieses Fenster speichern.</translation>
    </message>
    <message>
        <source>Replay the saved session FILE.</source>
        <translation>Die gespeicherte Sitzung FILE wiedergeben.</translation>
    </message>
    <message>
        <source>With --replay: move the replay to SECONDS of virtual time.</source>
        <translation>Mit --replay: die Wiedergabe auf SECONDS virtuelle Zeit setzen.</translation>
    </message>
    <message>
        <source>With --screenshot: also save the session played so far as FILE.</source>
        <translation>Mit --screenshot: außerdem die bisher gespielte Sitzung als FILE speichern.</translation>
    </message>
    <message>
        <source>Cache Lab cannot open the session</source>
        <translation>Cache Lab kann die Sitzung nicht öffnen</translation>
    </message>
    <message>
        <source>Play the scenario to its end (or run what --workload, --compare or --replay ask for), save the window as the PNG image FILE and quit.</source>
        <translation>Das Szenario bis zum Ende abspielen (oder ausführen, was --workload, --compare oder --replay verlangen), das Fenster als PNG-Bild FILE speichern und beenden.</translation>
    </message>
    <message>
        <source>Open the trade-off curves. With --screenshot: run them (TTL from 1 s to 1 h) and save that window.</source>
        <translation>Die Abwägungskurven öffnen. Mit --screenshot: sie berechnen (TTL von 1 s bis 1 h) und dieses Fenster speichern.</translation>
    </message>
    <message>
        <source>--screenshot needs a scenario file to play, --workload, --compare, --tradeoffs or --replay.</source>
        <translation>--screenshot braucht eine Szenariodatei zum Abspielen, --workload, --compare, --tradeoffs oder --replay.</translation>
    </message>
    <message>
        <source>Use the database at URL: an SQLite file path, sqlite:///path, :memory: or postgresql://user@host/database (default: in memory).</source>
        <translation>Die Datenbank unter URL verwenden: ein SQLite-Dateipfad, sqlite:///pfad, :memory: oder postgresql://benutzer@host/datenbank (Standard: im Arbeitsspeicher).</translation>
    </message>
</context>
</TS>
