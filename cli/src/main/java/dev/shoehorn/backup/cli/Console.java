package dev.shoehorn.backup.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Status;

/**
 * Where the CLI writes. On a terminal: lines, plus a live area of bars at the bottom (JLine's status
 * lines, which keep the lines above scrolling). Elsewhere (a pipe, a file, a test): plain lines, no
 * live area. Results go to {@code out}; messages about the run (errors) to {@code err}.
 */
public final class Console implements AutoCloseable {

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean tty;
    private Terminal terminal;
    private Status status;
    private boolean liveShown;

    public Console(PrintWriter out, PrintWriter err, boolean tty) {
        this.out = out;
        this.err = err;
        this.tty = tty;
    }

    /** On a given terminal (a test's, with its own streams and size). */
    public static Console onTerminal(Terminal terminal, PrintWriter err) {
        Console console = new Console(terminal.writer(), err, true);
        console.terminal = terminal;
        return console;
    }

    /** The process' own: a terminal when standard input and output are one. */
    public static Console system() {
        boolean tty = System.console() != null;
        return new Console(new PrintWriter(System.out, true), new PrintWriter(System.err, true), tty);
    }

    public boolean tty() {
        return tty;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    /** A line that stays: above the live area on a terminal. */
    public synchronized void line(String text) {
        if (liveShown) {
            status.suspend();
            terminal.writer().println(text);
            terminal.writer().flush();
            status.restore();
        } else {
            out.println(text);
            out.flush();
        }
    }

    /** A line that stays, styled (on a terminal; its plain text elsewhere). */
    public synchronized void line(AttributedString text) {
        if (tty) {
            line(text.toAnsi(terminal()));
        } else {
            line(text.toString());
        }
    }

    public synchronized void error(String message) {
        err.println("backup-worker: " + message);
        err.flush();
    }

    /** Replaces the live area's lines (a terminal only; nothing elsewhere). */
    public synchronized void live(List<AttributedString> lines) {
        if (!tty) {
            return;
        }
        if (status == null) {
            status = Status.getStatus(terminal(), true);
        }
        if (status == null) {
            return; // a terminal without the capabilities for a status area: lines only
        }
        status.update(lines);
        liveShown = !lines.isEmpty();
    }

    public synchronized int width() {
        return tty ? Math.max(40, terminal().getWidth()) : 100;
    }

    private Terminal terminal() {
        if (terminal == null) {
            try {
                terminal = TerminalBuilder.builder().system(true).build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return terminal;
    }

    @Override
    public synchronized void close() {
        if (status != null) {
            status.update(List.of());
            status.close();
            status = null;
        }
        liveShown = false;
        out.flush();
        err.flush();
        if (terminal != null) {
            try {
                terminal.close();
            } catch (IOException e) {
                // closing the terminal at exit: nothing left to tell
            }
        }
    }
}
