package dev.shoehorn.backup.target;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which lines of a tool's output may leave the worker in a failed event, and masked how. PostgreSQL
 * quotes the rows its errors are about (a unique violation the duplicate key, a check violation the
 * whole failing row, a COPY error the line of data it choked on), and pg_restore and psql pass that
 * on. So only error lines are kept: the server's ERROR, FATAL and PANIC lines with their DETAIL,
 * CONTEXT and HINT, a tool's own {@code error:} lines, and lines of other tools that say something
 * failed. Values in them are masked, names of tables, columns and constraints left, so that an
 * operator still sees what failed where. Everything else (psql's echo of the statement, pg_restore's
 * {@code Command was:}, progress chatter) is dropped.
 */
final class ErrorLines {

    private static final String MASK = "***";
    private static final int MAX_LENGTH = 500;
    private static final Pattern DETAIL = Pattern.compile("(?i)\\bdetail:\\s*");
    private static final Pattern CONTEXT = Pattern.compile("\\b(?:CONTEXT|Where):\\s*");
    private static final Pattern HINT = Pattern.compile("(?i)\\bhint:\\s*");
    /** PostgreSQL's severities, the tools' {@code error:}, and what other tools say when something failed. */
    private static final Pattern ERROR = Pattern.compile("(?i)\\b(?:error|errors|fatal|panic|failed|failure)\\b");

    /** DETAIL forms that carry values, with the parts that are structure rather than data. */
    private static final List<Form> DETAILS = List.of(
            new Form("Key \\((.*?)\\)=\\((.*)\\) conflicts with existing key \\((.*?)\\)=\\((.*)\\)\\.",
                    "Key ($1)=(" + MASK + ") conflicts with existing key ($3)=(" + MASK + ")."),
            new Form("Key \\((.*?)\\)=\\((.*)\\) (already exists|is duplicated)\\.", "Key ($1)=(" + MASK + ") $3."),
            new Form("Key \\((.*?)\\)=\\((.*)\\) (is not present in|is still referenced from) table \"([^\"]*)\"\\.",
                    "Key ($1)=(" + MASK + ") $3 table \"$4\"."),
            new Form("Failing row contains \\((.*)\\)\\.", "Failing row contains (" + MASK + ")."));
    /** CONTEXT forms that quote input: a line of COPY data, a piece of a JSON document. */
    private static final List<Form> CONTEXTS = List.of(
            new Form("(COPY [^,]+, line \\d+(?:, column [^:]+)?): .*", "$1: " + MASK),
            new Form("(JSON data, line \\d+): .*", "$1: " + MASK));

    /** The input that an error message ends with: {@code invalid input syntax for type integer: "abc"}. */
    private static final Pattern TRAILING_VALUE = Pattern.compile(": (?:\".*\"|(?:0x[0-9a-f]{2} ?)+)$");
    private static final Pattern SINGLE_QUOTED = Pattern.compile("'(?:[^']|'')*'");
    private static final Pattern DOUBLE_QUOTED = Pattern.compile("\"[^\"]*\"");
    private static final Pattern KEY_VALUES = Pattern.compile("=\\(.*\\)");

    private ErrorLines() {
    }

    /** The line as it may be shown, or empty when it is not an error line. */
    static Optional<String> keep(String line) {
        String kept = masked(line);
        return kept == null ? Optional.empty()
                : Optional.of(kept.length() > MAX_LENGTH ? kept.substring(0, MAX_LENGTH) + "…" : kept);
    }

    private static String masked(String line) {
        Matcher detail = DETAIL.matcher(line);
        if (detail.find()) {
            return maskedError(line.substring(0, detail.start())) + detail.group()
                    + masked(line.substring(detail.end()), DETAILS);
        }
        Matcher context = CONTEXT.matcher(line);
        if (context.find()) {
            return maskedError(line.substring(0, context.start())) + context.group()
                    + masked(line.substring(context.end()), CONTEXTS);
        }
        return HINT.matcher(line).find() || ERROR.matcher(line).find() ? maskedError(line) : null;
    }

    /** An error message names tables, columns and constraints; only literals and input it quotes are data. */
    private static String maskedError(String text) {
        String out = SINGLE_QUOTED.matcher(text).replaceAll("'" + MASK + "'");
        out = KEY_VALUES.matcher(out).replaceAll("=(" + MASK + ")");
        return TRAILING_VALUE.matcher(out).replaceAll(m -> m.group().contains("\"") ? ": \"" + MASK + "\""
                : ": " + MASK);
    }

    /** A known form keeps its structure; any other text loses everything quoted or bracketed after '='. */
    private static String masked(String text, List<Form> forms) {
        for (Form form : forms) {
            Matcher m = form.pattern().matcher(text);
            if (m.matches()) {
                return m.replaceFirst(form.replacement());
            }
        }
        String out = SINGLE_QUOTED.matcher(text).replaceAll("'" + MASK + "'");
        out = DOUBLE_QUOTED.matcher(out).replaceAll("\"" + MASK + "\"");
        return KEY_VALUES.matcher(out).replaceAll("=(" + MASK + ")");
    }

    private record Form(Pattern pattern, String replacement) {
        Form(String regex, String replacement) {
            this(Pattern.compile(regex), replacement);
        }
    }
}
