package dev.shoehorn.backup.target;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import dev.shoehorn.backup.failure.Redactor;

/**
 * Drains a child's stderr (or merged output) on a thread of its own (a full pipe would stall the child) and keeps
 * its last error lines for the error event, values masked ({@link ErrorLines}); the rest is not kept at all.
 */
final class OutputTail {

    private static final int MAX_LINES = 20;
    private final Deque<String> lines = new ArrayDeque<>();
    private int dropped;
    private final Thread reader;

    private OutputTail(InputStream stderr, String name) {
        reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(stderr, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    keep(line);
                }
            } catch (IOException ignored) {
                // the child is gone; what was read is kept
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void keep(String line) {
        var kept = ErrorLines.keep(line);
        synchronized (lines) {
            if (kept.isEmpty()) {
                dropped++;
                return;
            }
            lines.addLast(kept.get());
            if (lines.size() > MAX_LINES) {
                lines.removeFirst();
            }
        }
    }

    static OutputTail drain(InputStream output, String name) {
        return new OutputTail(output, name);
    }

    /** The last error lines, secrets masked; waits briefly for the reader to reach the end. */
    String text() {
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lines) {
            if (lines.isEmpty() && dropped > 0) {
                return "no error line in the output (" + dropped + " lines)";
            }
            return Redactor.redact(String.join("\n", lines).strip());
        }
    }
}
