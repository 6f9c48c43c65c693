// MemoryStore: the embedded, Redis-like cache in virtual time. The clock is a SimClock the test
// moves by hand, so every TTL boundary is checked to the microsecond.

#include "keymap.h"
#include "store/memorystore.h"
#include "time/random.h"

#include <QHash>
#include <QTest>

using namespace cachelab;
using namespace Qt::StringLiterals;

namespace {

CachedRecord rec(const QByteArray &value, qint64 version = 1)
{
    return CachedRecord{value, version, false};
}

QStringList keysOf(const QList<CacheItem> &items)
{
    QStringList keys;
    for (const CacheItem &item : items)
        keys.append(item.key);
    return keys;
}

QByteArray allBytes()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

} // namespace

class TestMemoryStore : public QObject
{
    Q_OBJECT

private slots:
    void ttlExpiresExactlyAtTheBoundary_data();
    void ttlExpiresExactlyAtTheBoundary();
    void setWithoutTtlNeverExpires_data();
    void setWithoutTtlNeverExpires();
    void setReplacesValueAndTtl();
    void getWithTtl();
    void recordFieldsRoundTrip();
    void remove();
    void scanIsSortedAndSkipsExpired();
    void expiredKeysAreSweptOnSet();
    void clearRemovesEverything();

    void lruEvictsTheLeastRecentlyUsed();
    void lruOverwriteDoesNotEvict();
    void lruWithExpiredAndRemovedKeys();
    void noLimitNeverEvicts();

    void lists();
    void listsAreNotCacheEntries();

    void publishSubscribe();
    void unsubscribeWhilePublishing();

    void keyMapMatchesAReference();
    void keyMapComparesCharactersNotStrings();
    void keyMapRemoveIf();

    void binaryValuesRoundTrip_data();
    void binaryValuesRoundTrip();
    void describe();
};

void TestMemoryStore::ttlExpiresExactlyAtTheBoundary_data()
{
    QTest::addColumn<TimeUs>("setAt");
    QTest::addColumn<TimeUs>("ttl");
    QTest::newRow("1us at 0") << TimeUs(0) << TimeUs(1);
    QTest::newRow("30s at 0") << TimeUs(0) << 30 * kSecond;
    QTest::newRow("1h at 51.5ms") << TimeUs(51'500) << 3600 * kSecond;
    QTest::newRow("999us at 7s") << 7 * kSecond << TimeUs(999);
}

void TestMemoryStore::ttlExpiresExactlyAtTheBoundary()
{
    QFETCH(TimeUs, setAt);
    QFETCH(TimeUs, ttl);
    SimClock clock;
    MemoryStore store(clock);
    clock.advanceTo(setAt);
    store.set(u"k"_s, rec("v"), ttl);
    QCOMPARE(store.ttl(u"k"_s), std::optional<TimeUs>(ttl));

    clock.advanceTo(setAt + ttl - 1); // the last microsecond it lives
    QVERIFY(store.get(u"k"_s).has_value());
    QCOMPARE(store.ttl(u"k"_s), std::optional<TimeUs>(1));
    QCOMPARE(store.scan().size(), 1);
    QCOMPARE(store.scan().constFirst().ttl, TimeUs(1));

    clock.advanceTo(setAt + ttl); // gone exactly now, as Redis's PTTL reaches 0
    QVERIFY(!store.scan().size());
    QVERIFY(!store.get(u"k"_s).has_value());
    QVERIFY(!store.getWithTtl(u"k"_s).has_value());
    QCOMPARE(store.ttl(u"k"_s), std::nullopt);
    QVERIFY(!store.remove(u"k"_s));
    QCOMPARE(store.size(), 0); // expiry is lazy, but a read of an expired key frees it
}

void TestMemoryStore::setWithoutTtlNeverExpires_data()
{
    QTest::addColumn<TimeUs>("ttl");
    QTest::newRow("0") << TimeUs(0);
    QTest::newRow("negative") << TimeUs(-5);
}

void TestMemoryStore::setWithoutTtlNeverExpires()
{
    QFETCH(TimeUs, ttl);
    SimClock clock;
    MemoryStore store(clock);
    store.set(u"k"_s, rec("forever"), ttl);
    QCOMPARE(store.ttl(u"k"_s), std::optional<TimeUs>(-1));
    clock.advanceTo(10LL * 365 * 24 * 3600 * kSecond);
    QCOMPARE(store.get(u"k"_s), std::optional<CachedRecord>(rec("forever")));
    QCOMPARE(store.ttl(u"k"_s), std::optional<TimeUs>(-1));
    QCOMPARE(store.getWithTtl(u"k"_s)->second, TimeUs(-1));
    QCOMPARE(store.scan().constFirst().ttl, TimeUs(-1));
}

void TestMemoryStore::setReplacesValueAndTtl()
{
    SimClock clock;
    MemoryStore store(clock);
    store.set(u"k"_s, rec("one"), 100);
    clock.advanceTo(50);
    store.set(u"k"_s, rec("two", 2), 100); // a new TTL from now
    QCOMPARE(store.ttl(u"k"_s), std::optional<TimeUs>(100));
    clock.advanceTo(149);
    QCOMPARE(store.get(u"k"_s)->value, QByteArray("two"));
    store.set(u"k"_s, rec("three", 3), 0); // like SET without EX: the TTL is dropped
    clock.advanceTo(1'000'000);
    QCOMPARE(store.get(u"k"_s)->value, QByteArray("three"));
    QCOMPARE(store.size(), 1);
}

void TestMemoryStore::getWithTtl()
{
    SimClock clock;
    MemoryStore store(clock);
    QVERIFY(!store.getWithTtl(u"missing"_s));
    store.set(u"k"_s, rec("v", 7), 10 * kSecond);
    clock.advanceTo(2500);
    const auto both = store.getWithTtl(u"k"_s);
    QVERIFY(both);
    QCOMPARE(both->first, rec("v", 7));
    QCOMPARE(both->second, 10 * kSecond - 2500);
}

void TestMemoryStore::recordFieldsRoundTrip()
{
    SimClock clock;
    MemoryStore store(clock);
    const CachedRecord pending{QByteArrayLiteral("queued"), 4, false, true};
    const CachedRecord absent{{}, 0, true};
    store.set(u"pending"_s, pending, 0);
    store.set(u"absent"_s, absent, 0);
    QCOMPARE(store.get(u"pending"_s), std::optional<CachedRecord>(pending));
    QCOMPARE(store.get(u"absent"_s)->absent, true);
    QCOMPARE(store.get(u"absent"_s)->value, QByteArray());
}

void TestMemoryStore::remove()
{
    SimClock clock;
    MemoryStore store(clock);
    store.set(u"a"_s, rec("1"), 0);
    store.set(u"b"_s, rec("2"), 0);
    QVERIFY(store.remove(u"a"_s));
    QVERIFY(!store.remove(u"a"_s));
    QVERIFY(!store.remove(u"never"_s));
    QVERIFY(!store.get(u"a"_s));
    QCOMPARE(store.get(u"b"_s)->value, QByteArray("2"));
    QCOMPARE(store.size(), 1);
}

void TestMemoryStore::scanIsSortedAndSkipsExpired()
{
    SimClock clock;
    MemoryStore store(clock);
    const QStringList keys{u"user:3"_s, u"item:10"_s, u"user:1"_s, u"item:2"_s, u"a"_s, u"Z"_s};
    for (const QString &k : keys)
        store.set(k, rec(k.toUtf8()), 0);
    store.set(u"short:1"_s, rec("x"), 100);
    store.set(u"short:2"_s, rec("y"), 200);
    clock.advanceTo(100);
    const QList<CacheItem> items = store.scan();
    QCOMPARE(keysOf(items), (QStringList{u"Z"_s, u"a"_s, u"item:10"_s, u"item:2"_s, u"short:2"_s,
                                         u"user:1"_s, u"user:3"_s}));
    for (const CacheItem &item : items) {
        if (item.key == u"short:2")
            QCOMPARE(item.ttl, TimeUs(100));
        else
            QCOMPARE(item.ttl, TimeUs(-1));
        QCOMPARE(item.record.value, item.key == u"short:2" ? QByteArray("y") : item.key.toUtf8());
    }
    QCOMPARE(store.scan().size(), 7); // scan() changes nothing
}

void TestMemoryStore::expiredKeysAreSweptOnSet()
{
    // Expiry is lazy, but keys that expired and are never read again must not pile up.
    SimClock clock;
    MemoryStore store(clock);
    for (int i = 0; i < 1024; ++i)
        store.set(u"tmp:%1"_s.arg(i), rec("x"), 10);
    QCOMPARE(store.size(), 1024);
    clock.advanceTo(10);
    store.set(u"new"_s, rec("y"), 0);
    QCOMPARE(store.size(), 1);
    QCOMPARE(keysOf(store.scan()), QStringList{u"new"_s});
}

void TestMemoryStore::clearRemovesEverything()
{
    SimClock clock;
    MemoryStore store(clock, 10);
    store.set(u"a"_s, rec("1"), 0);
    store.listPush(u"q"_s, "item");
    store.clear();
    QCOMPARE(store.size(), 0);
    QVERIFY(store.scan().isEmpty());
    QVERIFY(store.listRange(u"q"_s).isEmpty());
    for (int i = 0; i < 10; ++i) // the LRU list was cleared too: no phantom evictions
        store.set(u"k%1"_s.arg(i), rec("v"), 0);
    QCOMPARE(store.evictions(), quint64(0));
    QCOMPARE(store.size(), 10);
}

void TestMemoryStore::lruEvictsTheLeastRecentlyUsed()
{
    SimClock clock;
    MemoryStore store(clock, 3);
    store.set(u"a"_s, rec("1"), 0);
    store.set(u"b"_s, rec("2"), 0);
    store.set(u"c"_s, rec("3"), 0);
    QVERIFY(store.get(u"a"_s)); // a is now the most recently used; b the least
    store.set(u"d"_s, rec("4"), 0);
    QCOMPARE(store.size(), 3);
    QCOMPARE(store.evictions(), quint64(1));
    QCOMPARE(keysOf(store.scan()), (QStringList{u"a"_s, u"c"_s, u"d"_s}));

    store.set(u"c"_s, rec("3b"), 0); // writing a key uses it too: a is the least now
    store.set(u"e"_s, rec("5"), 0);
    QCOMPARE(keysOf(store.scan()), (QStringList{u"c"_s, u"d"_s, u"e"_s}));
    QCOMPARE(store.evictions(), quint64(2));

    QVERIFY(store.getWithTtl(u"d"_s)); // so does a TTL lookup
    store.set(u"f"_s, rec("6"), 0);
    QCOMPARE(keysOf(store.scan()), (QStringList{u"d"_s, u"e"_s, u"f"_s}));
}

void TestMemoryStore::lruOverwriteDoesNotEvict()
{
    SimClock clock;
    MemoryStore store(clock, 2);
    store.set(u"a"_s, rec("1"), 0);
    store.set(u"b"_s, rec("2"), 0);
    for (int i = 0; i < 10; ++i)
        store.set(u"a"_s, rec(QByteArray::number(i)), 0);
    QCOMPARE(store.evictions(), quint64(0));
    QCOMPARE(store.size(), 2);
    QCOMPARE(store.get(u"a"_s)->value, QByteArray("9"));
}

void TestMemoryStore::lruWithExpiredAndRemovedKeys()
{
    SimClock clock;
    MemoryStore store(clock, 2);
    store.set(u"a"_s, rec("1"), 10);
    store.set(u"b"_s, rec("2"), 0);
    QVERIFY(store.remove(u"b"_s));
    clock.advanceTo(10);
    QVERIFY(!store.get(u"a"_s)); // expired: erased with its LRU node
    store.set(u"c"_s, rec("3"), 0);
    store.set(u"d"_s, rec("4"), 0);
    QCOMPARE(store.evictions(), quint64(0));
    QCOMPARE(keysOf(store.scan()), (QStringList{u"c"_s, u"d"_s}));
    store.set(u"e"_s, rec("5"), 0);
    QCOMPARE(keysOf(store.scan()), (QStringList{u"d"_s, u"e"_s}));
    QCOMPARE(store.evictions(), quint64(1));
}

void TestMemoryStore::noLimitNeverEvicts()
{
    SimClock clock;
    MemoryStore store(clock);
    for (int i = 0; i < 5000; ++i)
        store.set(u"k%1"_s.arg(i), rec("v"), 0);
    QCOMPARE(store.size(), 5000);
    QCOMPARE(store.evictions(), quint64(0));
}

void TestMemoryStore::lists()
{
    SimClock clock;
    MemoryStore store(clock);
    QVERIFY(store.listRange(u"q"_s).isEmpty());
    store.listRemove(u"q"_s, {"a"}); // on a missing list: nothing happens
    store.listPush(u"q"_s, "a");
    store.listPush(u"q"_s, "b");
    store.listPush(u"q"_s, "a");
    store.listPush(u"q"_s, QByteArray("c\0d", 3));
    store.listPush(u"other"_s, "x");
    QCOMPARE(store.listRange(u"q"_s), (QList<QByteArray>{"a", "b", "a", QByteArray("c\0d", 3)}));
    store.listRemove(u"q"_s, {"a", QByteArray("c\0d", 3)}); // the first "a" only
    QCOMPARE(store.listRange(u"q"_s), (QList<QByteArray>{"b", "a"}));
    store.listRemove(u"q"_s, {"zzz"}); // not there: nothing happens
    QCOMPARE(store.listRange(u"q"_s).size(), 2);
    store.listRemove(u"q"_s, {"a", "b", "a"}); // more than it holds
    QVERIFY(store.listRange(u"q"_s).isEmpty());
    store.listPush(u"q"_s, "again");
    QCOMPARE(store.listRange(u"q"_s), QList<QByteArray>{"again"});
    QCOMPARE(store.listRange(u"other"_s), QList<QByteArray>{"x"});
    clock.advanceTo(100 * 3600 * kSecond); // lists do not expire
    QCOMPARE(store.listRange(u"other"_s), QList<QByteArray>{"x"});
}

void TestMemoryStore::listsAreNotCacheEntries()
{
    SimClock clock;
    MemoryStore store(clock, 1);
    store.listPush(u"q"_s, "a");
    store.set(u"k"_s, rec("v"), 0);
    QCOMPARE(store.size(), 1);
    QCOMPARE(keysOf(store.scan()), QStringList{u"k"_s});
    QVERIFY(!store.get(u"q"_s));
    QCOMPARE(store.listRange(u"q"_s), QList<QByteArray>{"a"});
}

void TestMemoryStore::publishSubscribe()
{
    SimClock clock;
    MemoryStore store(clock);
    QStringList got;
    const int one = store.subscribe(u"ch"_s, [&](const QString &channel, const QByteArray &m) {
        got.append(u"one:"_s + channel + u':' + QString::fromLatin1(m.toHex()));
    });
    const int two = store.subscribe(u"ch"_s, [&](const QString &channel, const QByteArray &m) {
        got.append(u"two:"_s + channel + u':' + QString::fromLatin1(m.toHex()));
    });
    const int other = store.subscribe(
        u"other"_s, [&](const QString &, const QByteArray &) { got.append(u"other"_s); });
    QVERIFY(one != two && two != other && one != other);

    store.publish(u"ch"_s, QByteArray("a\0b", 3)); // binary-safe messages
    QCOMPARE(got, (QStringList{u"one:ch:610062"_s, u"two:ch:610062"_s}));
    got.clear();
    store.publish(u"nobody"_s, "x");
    QVERIFY(got.isEmpty());

    store.unsubscribe(one);
    store.unsubscribe(one);  // twice: harmless
    store.unsubscribe(4242); // unknown: harmless
    store.publish(u"ch"_s, "z");
    QCOMPARE(got, QStringList{u"two:ch:7a"_s});
    got.clear();
    store.publish(u"other"_s, "y");
    QCOMPARE(got, QStringList{u"other"_s});
}

void TestMemoryStore::unsubscribeWhilePublishing()
{
    SimClock clock;
    MemoryStore store(clock);
    int calls = 0;
    int self = 0;
    self = store.subscribe(u"ch"_s, [&](const QString &, const QByteArray &) {
        ++calls;
        store.unsubscribe(self);
        store.subscribe(u"ch"_s, [&](const QString &, const QByteArray &) { ++calls; });
    });
    store.publish(u"ch"_s, "1");
    QCOMPARE(calls, 1); // the subscriber added during delivery does not get this message
    store.publish(u"ch"_s, "2");
    QCOMPARE(calls, 2);
}

// --- KeyMap, the table under the store and the hash-table database ----------------------

namespace {

// Every key of `reference` is found with its value, the map holds nothing else, and
// iterating it visits each item once.
void checkSameContents(const KeyMap<int> &map, const QHash<QString, int> &reference)
{
    QCOMPARE(map.size(), reference.size());
    for (auto it = reference.cbegin(); it != reference.cend(); ++it) {
        const int *value = map.find(it.key());
        QVERIFY2(value, qPrintable(it.key()));
        QCOMPARE(*value, it.value());
    }
    QSet<QString> seen;
    for (const auto &[key, value] : map) {
        QVERIFY2(!seen.contains(key), qPrintable(key));
        seen.insert(key);
        QCOMPARE(value, reference.value(key, -1));
    }
}

} // namespace

void TestMemoryStore::keyMapMatchesAReference()
{
    // Random inserts, overwrites and removals over keys of every shape, checked against QHash:
    // this goes through growth, long probe runs, wrap-around at the end of the index and the
    // backward shifts that removals do.
    QStringList keys;
    for (int i = 0; i < 2000; ++i)
        keys.append(u"item:%1"_s.arg(i));
    keys << QString() << u"\"quoted\" 'key'"_s << u"Straße ☕ 𝄞"_s << QString(300, u'x') << u"a"_s
         << u"a\0"_s << u"ab"_s;
    KeyMap<int> map;
    QHash<QString, int> reference;
    Random random(7);
    for (int step = 0; step < 200'000; ++step) {
        // A copy, so that most lookups compare characters rather than shared data.
        const QString &source = keys[int(random.below(quint64(keys.size())))];
        const QString key(source.constData(), source.size());
        const int value = step;
        switch (random.below(4)) {
        case 0:
            map.insert(key, value);
            reference.insert(key, value);
            break;
        case 1:
            map[key] += 1;
            reference[key] += 1;
            break;
        case 2:
            QCOMPARE(map.remove(key), reference.remove(key));
            break;
        default:
            QCOMPARE(map.contains(key), reference.contains(key));
            break;
        }
        if (step % 20'000 == 0)
            checkSameContents(map, reference);
    }
    checkSameContents(map, reference);
    for (const QString &key : std::as_const(keys)) {
        QCOMPARE(map.remove(key), reference.remove(key));
    }
    QVERIFY(map.isEmpty());
    map.insert(u"again"_s, 1); // usable after being emptied
    QCOMPARE(*map.find(u"again"_s), 1);
}

void TestMemoryStore::keyMapComparesCharactersNotStrings()
{
    KeyMap<int> map;
    map.insert(u"user:1"_s, 1);
    const QString built = u"user:"_s + QString::number(1); // same characters, other storage
    QVERIFY(built.constData() != map.begin()->key.constData());
    QVERIFY(map.find(built));
    QVERIFY(!map.find(u"user:"_s));
    QVERIFY(!map.find(u"user:10"_s));
    QVERIFY(!map.find(u"User:1"_s));
    QVERIFY(!map.find(QString()));
    map.insert(QString(), 2); // the empty key is a key like any other
    QCOMPARE(*map.find(u""_s), 2);
    QCOMPARE(map.size(), 2);
}

void TestMemoryStore::keyMapRemoveIf()
{
    KeyMap<int> map;
    QHash<QString, int> reference;
    for (int i = 0; i < 1000; ++i) {
        map.insert(u"k%1"_s.arg(i), i);
        reference.insert(u"k%1"_s.arg(i), i);
    }
    map.removeIf([](const QString &, int value) { return value % 3 != 0; });
    reference.removeIf([](const auto &it) { return it.value() % 3 != 0; });
    checkSameContents(map, reference);
    QCOMPARE(map.size(), 334);
    map.removeIf([](const QString &, int) { return true; });
    QVERIFY(map.isEmpty());
}

void TestMemoryStore::binaryValuesRoundTrip_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("NUL bytes") << QByteArray("\0a\0\0b\0", 6);
    QTest::newRow("all 256 bytes") << allBytes();
    QTest::newRow("invalid UTF-8") << QByteArray("\xff\xfe\xc3\x28");
    QTest::newRow("UTF-8") << u"Zoë 🍕 日本"_s.toUtf8();
    QByteArray big(1024 * 1024, '\0');
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = char((i * 131 + 7) % 256);
    QTest::newRow("1 MiB") << big;
}

void TestMemoryStore::binaryValuesRoundTrip()
{
    QFETCH(QByteArray, value);
    SimClock clock;
    MemoryStore store(clock);
    store.set(u"bin"_s, rec(value, 3), 0);
    const auto got = store.get(u"bin"_s);
    QVERIFY(got);
    QCOMPARE(got->value.size(), value.size());
    QCOMPARE(got->value, value);
    QCOMPARE(store.scan().constFirst().record.value, value);
    store.listPush(u"q"_s, value);
    QCOMPARE(store.listRange(u"q"_s).constFirst(), value);
    QByteArray received;
    store.subscribe(u"ch"_s, [&](const QString &, const QByteArray &m) { received = m; });
    store.publish(u"ch"_s, value);
    QCOMPARE(received, value);
}

void TestMemoryStore::describe()
{
    SimClock clock;
    MemoryStore store(clock);
    QCOMPARE(store.describe(), u"embedded store"_s);
}

QTEST_GUILESS_MAIN(TestMemoryStore)
#include "tst_memorystore.moc"
