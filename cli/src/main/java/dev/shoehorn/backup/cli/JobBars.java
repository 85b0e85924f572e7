package dev.shoehorn.backup.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import dev.shoehorn.backup.journal.JobRecord;

/**
 * A running job as one line: target, kind, stage, a bar, percent, bytes, rate and time left. The rate
 * is a moving average of the job's own progress events (their times, the worker's clock), so a
 * terminal that was not watching from the start still shows a sound rate after two events.
 */
final class JobBars {

    private static final int BAR_WIDTH = 24;
    /** Weight of the newest rate sample: smooth enough, still quick to follow a change. */
    private static final double SMOOTHING = 0.3;

    /** Without a terminal, a progress line per job at most this often. */
    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);

    private final Map<String, Rate> rates = new HashMap<>();
    private final Map<String, Instant> plainShown = new HashMap<>();

    /** Takes a job's latest progress into its rate. */
    void observe(JobRecord job) {
        JobRecord.Progress p = job.progress();
        if (p == null) {
            return;
        }
        rates.computeIfAbsent(job.jobId(), id -> new Rate()).sample(p.bytesDone(), p.at().toEpochMilli());
    }

    void forget(String jobId) {
        rates.remove(jobId);
        plainShown.remove(jobId);
    }

    /** Whether a job's progress line is due on output that is not a terminal; if so, it counts as shown now. */
    boolean plainDue(String jobId, Instant now) {
        Instant last = plainShown.getOrDefault(jobId, Instant.EPOCH);
        if (Duration.between(last, now).compareTo(PLAIN_EVERY) < 0) {
            return false;
        }
        plainShown.put(jobId, now);
        return true;
    }

    /** Bytes per second, or a negative number while unknown. */
    double rate(String jobId) {
        Rate rate = rates.get(jobId);
        return rate == null ? -1 : rate.perSecond;
    }

    AttributedString line(JobRecord job) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.style(AttributedStyle.BOLD).append(job.target() == null ? "?" : job.target()).style(AttributedStyle.DEFAULT);
        line.append(' ').append(job.kind()).append(' ');
        line.style(AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN)).append(pad(job.stage(), 9))
                .style(AttributedStyle.DEFAULT).append(' ');
        int percent = percent(job);
        int filled = percent < 0 ? 0 : Math.min(BAR_WIDTH, percent * BAR_WIDTH / 100);
        line.style(AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)).append("█".repeat(filled))
                .style(AttributedStyle.DEFAULT.faint()).append("░".repeat(BAR_WIDTH - filled))
                .style(AttributedStyle.DEFAULT);
        line.append(' ').append(figures(job));
        return line.toAttributedString();
    }

    /** The same line without a bar, for output that is not a terminal. */
    String plain(JobRecord job) {
        return (job.target() == null ? "?" : job.target()) + " " + job.kind() + " " + job.stage() + " " + figures(job);
    }

    private String figures(JobRecord job) {
        JobRecord.Progress p = job.progress();
        if (p == null) {
            return "";
        }
        int percent = percent(job);
        StringBuilder text = new StringBuilder();
        text.append(percent < 0 ? "  ?%" : String.format(Locale.ROOT, "%3d%%", percent));
        text.append("  ").append(Units.bytes(p.bytesDone()));
        if (p.bytesTotal() > 0) {
            text.append(" / ~").append(Units.bytes(p.bytesTotal()));
        }
        double rate = rate(job.jobId());
        if (rate > 0) {
            text.append("  ").append(Units.bytes((long) rate)).append("/s");
            if (p.bytesTotal() > p.bytesDone()) {
                long seconds = (long) ((p.bytesTotal() - p.bytesDone()) / rate);
                text.append("  ETA ").append(Units.clock(Duration.ofSeconds(seconds)));
            }
        }
        return text.toString();
    }

    private static int percent(JobRecord job) {
        JobRecord.Progress p = job.progress();
        if (p == null) {
            return -1;
        }
        if (p.percent() >= 0) {
            return Math.min(100, p.percent());
        }
        return p.bytesTotal() > 0 ? (int) Math.min(100, p.bytesDone() * 100 / p.bytesTotal()) : -1;
    }

    private static String pad(String text, int width) {
        String value = text == null ? "" : text;
        return value.length() >= width ? value : value + " ".repeat(width - value.length());
    }

    /** A moving average of bytes per second between successive samples. */
    private static final class Rate {
        private long lastBytes = -1;
        private long lastMillis;
        private double perSecond = -1;

        void sample(long bytes, long atMillis) {
            if (lastBytes >= 0 && atMillis > lastMillis && bytes >= lastBytes) {
                double sample = (bytes - lastBytes) * 1000.0 / (atMillis - lastMillis);
                perSecond = perSecond < 0 ? sample : SMOOTHING * sample + (1 - SMOOTHING) * perSecond;
            }
            if (atMillis >= lastMillis) {
                lastBytes = bytes;
                lastMillis = atMillis;
            }
        }
    }
}
