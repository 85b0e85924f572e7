package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import com.fasterxml.jackson.databind.JsonNode;

import dev.shoehorn.backup.overdue.OverdueConfig;
import dev.shoehorn.backup.overdue.OverdueMetrics;
import dev.shoehorn.backup.overdue.OverdueWatchdog;
import dev.shoehorn.backup.progress.ProgressPublisher;
import dev.shoehorn.backup.schedule.Schedules;
import dev.shoehorn.backup.storage.ArchiveKeys;
import dev.shoehorn.backup.storage.ArchiveStore;
import dev.shoehorn.backup.storage.Manifest;
import dev.shoehorn.backup.target.TargetRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The overdue watchdog on the real store and topic, looked at on a clock of the test's own (the
 * target's nightly 02:00 schedule gives a 25-hour window with the default hour of grace). A second
 * watchdog stands for another replica, or this one after a restart: it has no memory of the first.
 */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class OverdueIT {

    private static final String TARGET = WorkerStack.OVERDUE;
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    private static Events events;
    private static S3Client s3;

    @Inject
    OverdueWatchdog watchdog;

    @Inject
    ArchiveStore store;

    @Inject
    OverdueConfig config;

    @Inject
    TargetRegistry targets;

    @Inject
    Schedules schedules;

    @Inject
    ProgressPublisher progress;

    @Inject
    OverdueMetrics metrics;

    @TestHTTPResource("/q/health/ready")
    URL readiness;

    @TestHTTPResource("/q/metrics")
    URL metricsPage;

    @TestHTTPResource("/ui/")
    URL page;

    @BeforeAll
    static void connect() {
        events = new Events(WorkerStack.bootstrapServers());
        s3 = WorkerStack.s3Client();
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        events.close();
        s3.close();
    }

    @AfterEach
    void forgetEverything() {
        store.objectsUnder(store.keys().targetPrefix(TARGET)).forEach(o -> store.delete(o.key()));
        store.objectsUnder(store.keys().overdue(TARGET)).forEach(o -> store.delete(o.key()));
    }

    @Test
    void aBreachIsRaisedOnceOnEveryReplicaAndClearedOnceWhenABackupArrives() throws Exception {
        // Given a good backup completed at T0, and a second replica that remembers nothing of this one
        String first = completeArchive(T0);
        OverdueWatchdog otherReplica = new OverdueWatchdog(config, targets, schedules, store, progress, metrics,
                Clock.systemUTC());

        // When both look within the window, then past it, again and again
        watchdog.check(T0.plus(Duration.ofHours(10)));
        assertThat(watchdog.health(TARGET)).hasValueSatisfying(h -> {
            assertThat(h.overdue()).isFalse();
            assertThat(h.lastArchive()).isEqualTo(first);
            assertThat(h.window()).isEqualTo(Duration.ofHours(25));
            assertThat(h.nextRun()).isAfter(T0.plus(Duration.ofHours(10)));
        });
        for (int hour = 26; hour <= 28; hour++) {
            watchdog.check(T0.plus(Duration.ofHours(hour)));
            otherReplica.check(T0.plus(Duration.ofHours(hour)).plusSeconds(30));
        }

        // Then it was raised once, naming the last good backup and when the breach began
        await().atMost(Duration.ofSeconds(10)).until(() -> naming("dev.shoehorn.backup.overdue", first).size() == 1);
        JsonNode raised = naming("dev.shoehorn.backup.overdue", first).get(0).path("data");
        assertThat(raised.path("lastArchive").asText()).isEqualTo(first);
        assertThat(raised.path("overdueAt").asText()).isEqualTo(T0.plus(Duration.ofHours(25)).toString());
        assertThat(raised.path("windowSeconds").asLong()).isEqualTo(Duration.ofHours(25).toSeconds());
        assertThat(watchdog.health(TARGET)).hasValueSatisfying(h -> assertThat(h.overdue()).isTrue());
        // and it shows in the readiness details and the metrics
        assertThat(get(readiness)).containsPattern("\"" + TARGET + "\\.overdue\"\\s*:\\s*true");
        assertThat(get(metricsPage)).contains("backup_overdue{target=\"" + TARGET + "\"} 1.0")
                .contains("backup_last_success_age_seconds{target=\"" + TARGET + "\"}");
        // and on the status page, in a real browser
        ChromeDriver browser = HeadlessChromium.start();
        try {
            browser.get(page.toString());
            await().atMost(Duration.ofSeconds(20)).until(() -> overdueCell(browser).startsWith("OVERDUE since"));
        } finally {
            browser.quit();
        }

        // and in the CLI's status, by the same rule, with the schedule and its next run
        CliRun status = CliRun.of(cliSettings(), Clock.fixed(T0.plus(Duration.ofHours(28)), ZoneOffset.UTC), "--json",
                "status");
        assertThat(status.exit()).as(status.toString()).isZero();
        assertThat(status.json()).filteredOn(row -> row.path("target").asText().equals(TARGET)).singleElement()
                .satisfies(row -> {
                    assertThat(row.path("overdue").asBoolean()).isTrue();
                    assertThat(row.path("overdueAt").asText()).isEqualTo(T0.plus(Duration.ofHours(25)).toString());
                    assertThat(row.path("schedule").path("expression").asText()).isEqualTo("0 2 * * *");
                    assertThat(row.path("schedule").path("nextRun").asText()).endsWith("T02:00:00Z");
                    assertThat(row.path("lastGoodBackup").path("key").asText()).isEqualTo(first);
                });

        // When a backup completes later, and both replicas look again
        String second = completeArchive(T0.plus(Duration.ofHours(29)));
        for (int minute = 5; minute <= 15; minute += 5) {
            watchdog.check(T0.plus(Duration.ofHours(29)).plus(Duration.ofMinutes(minute)));
            otherReplica.check(T0.plus(Duration.ofHours(29)).plus(Duration.ofMinutes(minute)).plusSeconds(30));
        }

        // Then the breach was cleared once, and no second one raised
        await().atMost(Duration.ofSeconds(10))
                .until(() -> naming("dev.shoehorn.backup.overdue-cleared", second).size() == 1);
        JsonNode cleared = naming("dev.shoehorn.backup.overdue-cleared", second).get(0).path("data");
        assertThat(cleared.path("overdueForSeconds").asLong()).isEqualTo(Duration.ofHours(4).toSeconds());
        assertThat(naming("dev.shoehorn.backup.overdue", first)).hasSize(1);
        assertThat(naming("dev.shoehorn.backup.overdue", second)).isEmpty();
        assertThat(watchdog.health(TARGET)).hasValueSatisfying(h -> assertThat(h.overdue()).isFalse());
        assertThat(events.checkContract("dev.shoehorn.backup.overdue").violations()).isEmpty();
    }

    @Test
    void aBreachIsClearedWhenTheNextLookFindsALaterBackupAlreadyOverdueInItsTurn() {
        // Given a breach raised for a backup completed a month ago (archive keys of its own, not the other tests')
        Instant t = T0.minus(Duration.ofDays(30));
        String first = completeArchive(t);
        watchdog.check(t.plus(Duration.ofHours(26)));
        await().atMost(Duration.ofSeconds(10)).until(() -> naming("dev.shoehorn.backup.overdue", first).size() == 1);

        // When a backup completes, and the next look comes only after that one's window has passed too
        String second = completeArchive(t.plus(Duration.ofHours(27)));
        watchdog.check(t.plus(Duration.ofHours(27 + 26)));

        // Then the first breach is cleared by the second backup, and a breach of its own is raised
        await().atMost(Duration.ofSeconds(10))
                .until(() -> naming("dev.shoehorn.backup.overdue-cleared", second).size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> naming("dev.shoehorn.backup.overdue", second).size() == 1);
        assertThat(naming("dev.shoehorn.backup.overdue", first)).hasSize(1);
        assertThat(watchdog.health(TARGET)).hasValueSatisfying(h -> assertThat(h.overdue()).isTrue());
    }

    @Test
    void aTargetThatNeverHadABackupIsOverdueOneWindowAfterItWasFirstWatched() {
        // Given a target with no archive at all, first watched now
        Instant first = Instant.now().plus(Duration.ofDays(3));
        watchdog.check(first);

        // When a window passes without one
        watchdog.check(first.plus(Duration.ofHours(24)));
        assertThat(watchdog.health(TARGET)).hasValueSatisfying(h -> assertThat(h.overdue()).isFalse());
        watchdog.check(first.plus(Duration.ofHours(26)));

        // Then it is overdue, with no last backup to name
        assertThat(watchdog.health(TARGET)).hasValueSatisfying(h -> {
            assertThat(h.overdue()).isTrue();
            assertThat(h.lastSuccessAt()).isNull();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> ofType("dev.shoehorn.backup.overdue").stream()
                .anyMatch(e -> e.path("data").path("lastArchive").isMissingNode()));
    }

    private static String overdueCell(ChromeDriver browser) {
        List<WebElement> cells = browser.findElements(By.cssSelector("#targets tr[data-target='" + TARGET + "'] .overdue-state"));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    private static java.util.Map<String, String> cliSettings() {
        java.util.Map<String, String> settings = CliRun.settings(WorkerStack.bootstrapServers(),
                WorkerStack.s3().endpoint(), WorkerStack.BUCKET, WorkerStack.PREFIX, WorkerStack.ACCESS_KEY,
                WorkerStack.S3_SECRET);
        settings.put("backup.targets." + TARGET + ".host", "127.0.0.1");
        settings.put("backup.targets." + TARGET + ".database", "unused");
        settings.put("backup.targets." + TARGET + ".user", "unused");
        return settings;
    }

    private List<JsonNode> ofType(String type) {
        return events.all().stream().filter(e -> e.path("type").asText().equals(type))
                .filter(e -> TARGET.equals(e.path("subject").asText())).toList();
    }

    /** This test's events of a type: those naming its archive (archive keys are unique per run). */
    private List<JsonNode> naming(String type, String archive) {
        return ofType(type).stream().filter(e -> archive.equals(e.path("data").path("lastArchive").asText())).toList();
    }

    /** An archive with a manifest that describes it, completed at {@code at}. */
    private static String completeArchive(Instant at) {
        String key = new ArchiveKeys(WorkerStack.PREFIX).archive(TARGET, at.minusSeconds(60));
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(key), RequestBody.fromString("dump"));
        String manifest = "{\"manifestVersion\":" + Manifest.VERSION + ",\"archiveKey\":\"" + key + "\",\"target\":\""
                + TARGET + "\",\"commandId\":\"" + UUID.randomUUID() + "\",\"jobId\":\"" + UUID.randomUUID()
                + "\",\"format\":\"custom\",\"bytes\":4,\"sha256\":\"00\",\"pgDumpVersion\":\"15\","
                + "\"serverVersion\":\"15\",\"databaseBytes\":1,\"startedAt\":\"" + at.minusSeconds(60)
                + "\",\"completedAt\":\"" + at + "\",\"rlsTables\":[]}";
        s3.putObject(b -> b.bucket(WorkerStack.BUCKET).key(ArchiveKeys.manifestOf(key)), RequestBody.fromString(manifest));
        return key;
    }

    private static String get(URL url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
