package dev.shoehorn.backup.local;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a running backup's progress: one bar redrawn in place on a terminal, plain lines
 * otherwise (a log file or a CI job gets no carriage returns).
 */
final class ProgressBar {

    private static final int WIDTH = 30;
    private static final String INDENT = "         ";

    private final PrintStream out;
    private final boolean redraw;
    private int drawnLength;

    /**
     * @param redraw true on an interactive terminal ({@code System.console() != null})
     */
    ProgressBar(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    /**
     * @param bytesTotal the worker's estimate, or a negative number when unknown
     * @param percent the worker's figure, or a negative number to derive it from the bytes
     */
    void show(long bytesDone, long bytesTotal, double percent) {
        double shown = percent >= 0 ? percent : bytesTotal > 0 ? 100.0 * bytesDone / bytesTotal : -1;
        String amount = bytesTotal > 0 ? bytes(bytesDone) + " of ~" + bytes(bytesTotal) : bytes(bytesDone);
        String line = shown < 0
                ? INDENT + amount
                : INDENT + bar(shown) + String.format(Locale.ROOT, " %3.0f%%  ", Math.min(shown, 100)) + amount;
        if (redraw) {
            out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            out.flush();
            drawnLength = line.length();
        } else {
            out.println(line);
        }
    }

    /** Ends the bar's line, if one is drawn, so that the next output starts on a fresh line. */
    void finish() {
        if (drawnLength > 0) {
            out.println();
            drawnLength = 0;
        }
    }

    private static String bar(double percent) {
        int filled = (int) Math.round(Math.min(percent, 100) / 100 * WIDTH);
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "]";
    }

    /** Binary units with one decimal, e.g. {@code 12.3 MiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
