package dev.shoehorn.backup.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import software.amazon.awssdk.services.s3.S3Client;

/** The status page in a real headless browser, fed by a running worker's events. */
@QuarkusTest
@QuarkusTestResource(WorkerStack.class)
class StatusPageIT {

    /** Records every width the running jobs' bars are drawn with, by job, as the page redraws them. */
    private static final String WATCH_BARS = """
            window.__bars = {};
            new MutationObserver(() => {
              document.querySelectorAll('#running .job').forEach(job => {
                const width = job.querySelector('.fill').style.width;
                const seen = window.__bars[job.dataset.job] || (window.__bars[job.dataset.job] = []);
                if (seen[seen.length - 1] !== width) seen.push(width);
              });
            }).observe(document.getElementById('running'), { childList: true, subtree: true, attributes: true });
            """;

    private static ChromeDriver browser;
    private static Commands commands;
    private static Events events;

    @TestHTTPResource("/ui")
    URL page;

    @BeforeAll
    static void open() {
        browser = HeadlessChromium.start();
        commands = new Commands(WorkerStack.bootstrapServers());
        events = new Events(WorkerStack.bootstrapServers());
    }

    @AfterAll
    static void close() throws InterruptedException {
        if (browser != null) {
            browser.quit();
        }
        commands.close();
        events.close();
    }

    @Test
    void thePageShowsABarMovingAndTheJobEndingLive() throws Exception {
        // Given the page open, showing the configured targets
        browser.get(page.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(
                By.cssSelector("#targets tr[data-target='" + WorkerStack.SOURCE + "']")).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("connection")).getText().equals("live"));
        // with each target's schedule and next run
        String targetRow = "#targets tr[data-target='" + WorkerStack.SOURCE + "'] ";
        assertThat(browser.findElement(By.cssSelector(targetRow + ".schedule")).getText()).isEqualTo("0 2 * * * UTC");
        assertThat(browser.findElement(By.cssSelector(targetRow + ".next-run")).getText()).matches("\\d{4}-\\d{2}-\\d{2}T02:00:00Z");
        ((JavascriptExecutor) browser).executeScript(WATCH_BARS);

        // When a backup runs, held at its start by a table lock until its bar is on the page: a dump of
        // the small test database ends within a fifth of a second, sooner than a page could draw it twice
        String commandId = Commands.newCommandId();
        try (TableLock held = TableLock.hold(WorkerStack.postgres(), WorkerStack.SOURCE_DB, "documents")) {
            commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(commandId, WorkerStack.SOURCE));
            await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("#running .job")).isEmpty());
        }

        // Then its bar is drawn, moves, and the job lands in the history as completed, without a reload
        Map<String, String> finished = await().atMost(Duration.ofSeconds(60)).until(() -> completedRow(commandId),
                row -> row != null);
        String jobId = finished.get("job");
        @SuppressWarnings("unchecked")
        List<String> widths = (List<String>) ((JavascriptExecutor) browser)
                .executeScript("return window.__bars[arguments[0]] || [];", jobId);
        assertThat(widths).as("the widths the bar was drawn with").hasSizeGreaterThanOrEqualTo(2);
        List<Double> percents = widths.stream().map(w -> Double.parseDouble(w.replace("%", ""))).toList();
        assertThat(percents).as("the bar only moves forward").isSorted();
        assertThat(percents.get(percents.size() - 1)).isGreaterThan(percents.get(0));
        assertThat(finished.get("text")).contains(WorkerStack.SOURCE, "backup", jobId.substring(0, 8),
                WorkerStack.PREFIX + "/" + WorkerStack.SOURCE + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(
                By.cssSelector("#running .job[data-job='" + jobId + "']")).isEmpty());
        // and the target's last good backup is the new archive
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.findElement(
                By.cssSelector("#targets tr[data-target='" + WorkerStack.SOURCE + "'] .last-good")).getText()
                .equals(finished.get("archive")));
        // and nothing the page holds is a secret the worker was given
        assertThat(browser.getPageSource()).doesNotContain(WorkerStack.S3_SECRET, WorkerStack.PG_PASSWORD);

        Path screenshot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(screenshot, Path.of("target", "status-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aDrillLandsInItsTargetsRowWithItsVerdictLive() {
        // Given a good backup of the source, and the page open and live
        String backup = Commands.newCommandId();
        commands.send("backup.commands", WorkerStack.SOURCE, Commands.backup(backup, WorkerStack.SOURCE));
        assertThat(Events.types(events.awaitJobEnd(backup))).contains("dev.shoehorn.backup.completed");
        browser.get(page.toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.findElement(By.id("connection")).getText().equals("live"));
        String drills = "#targets tr[data-target='" + WorkerStack.SOURCE + "'] .drills ";
        assertThat(browser.findElement(By.cssSelector(drills + ".drill-schedule")).getText()).isEqualTo("@weekly UTC");
        List<String> before = reports(drills);

        // When a drill of the source runs
        String drill = Commands.newCommandId();
        commands.send("restore.commands", WorkerStack.SOURCE, "{\"commandId\":\"" + drill + "\",\"target\":\""
                + WorkerStack.SOURCE + "\",\"requestedBy\":\"it\",\"drill\":true}");
        String report = events.awaitJobEnd(drill).stream()
                .filter(e -> e.path("type").asText().equals("dev.shoehorn.drill.passed")).findFirst().orElseThrow()
                .path("data").path("report").asText();

        // Then, without a reload, the target's row shows it first, passed, with its restore time and report
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> reports(drills).stream().findFirst()
                    .filter(report::equals).isPresent());
            WebElement newest = browser.findElements(By.cssSelector(drills + "li.drill")).get(0);
            assertThat(newest.getAttribute("class")).contains("passed");
            assertThat(newest.getText()).startsWith("passed").contains("restore", "RTO 1h");
            assertThat(before).doesNotContain(report);
        } finally {
            try (S3Client s3 = WorkerStack.s3Client()) {
                s3.deleteObject(b -> b.bucket(WorkerStack.BUCKET).key(report));
            }
        }
    }

    /** The report keys of the drills the target's row shows, newest first. */
    private List<String> reports(String drillsCell) {
        return browser.findElements(By.cssSelector(drillsCell + "li.drill")).stream().map(li -> li.getAttribute("title"))
                .toList();
    }

    /**
     * The history row of the command's job (its job, text and archive) once it is there as completed;
     * read in one script, as the page redraws its rows with every event.
     */
    @SuppressWarnings("unchecked")
    private Map<String, String> completedRow(String commandId) {
        return (Map<String, String>) ((JavascriptExecutor) browser).executeScript("""
                const row = document.querySelector('#history tr.job[data-command="' + arguments[0] + '"]');
                return row && row.querySelector('.outcome.completed')
                    ? { job: row.dataset.job, text: row.innerText, archive: row.children[6].innerText } : null;
                """, commandId);
    }
}
