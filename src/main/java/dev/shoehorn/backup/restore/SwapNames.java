package dev.shoehorn.backup.restore;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Names of the databases a swap puts beside a target: {@code <db>_restore_<id>} (the fresh one,
 * while it is restored and checked) and {@code <db>_before_<id>} (the displaced one, kept for a
 * rollback), {@code <id>} being the first 8 hex digits of the job id. A name alone is never trusted
 * to drop a database: the {@link SwapMarker} in its comment must agree.
 */
final class SwapNames {

    /** PostgreSQL cuts identifiers at NAMEDATALEN - 1 bytes; a cut name would no longer be ours. */
    static final int MAX_BYTES = 63;
    static final String RESTORE = "_restore_";
    static final String BEFORE = "_before_";
    private static final Pattern SHORT_ID = Pattern.compile("[0-9a-f]{8}");
    private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}");

    private SwapNames() {
    }

    static String scratch(String database, String jobId) {
        return name(database, RESTORE, shortId(jobId));
    }

    static String kept(String database, String jobId) {
        return name(database, BEFORE, shortId(jobId));
    }

    /** Whether {@code id} names a job: its full id or the 8 hex digits of the databases' names. */
    static boolean isJobReference(String id) {
        return SHORT_ID.matcher(id).matches() || JOB_ID.matcher(id).matches();
    }

    static String shortId(String jobId) {
        String lower = jobId.toLowerCase(java.util.Locale.ROOT);
        if (!isJobReference(lower)) {
            throw new IllegalArgumentException("not a job id: " + jobId);
        }
        return lower.substring(0, 8);
    }

    /** The prefix of every database of the kind {@code infix} beside {@code database}. */
    static String prefix(String database, String infix) {
        return fit(database, MAX_BYTES - infix.length() - 8) + infix;
    }

    /** Whether {@code name} has the form of a database of the kind {@code infix} beside {@code database}. */
    static boolean matches(String name, String database, String infix) {
        String prefix = prefix(database, infix);
        return name.startsWith(prefix) && SHORT_ID.matcher(name.substring(prefix.length())).matches();
    }

    private static String name(String database, String infix, String shortId) {
        return prefix(database, infix) + shortId;
    }

    /** The longest start of {@code s} of at most {@code bytes} UTF-8 bytes, cut between characters. */
    private static String fit(String s, int bytes) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= bytes) {
            return s;
        }
        int end = 0;
        int used = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (used + size > bytes) {
                break;
            }
            used += size;
            end += Character.charCount(cp);
        }
        return s.substring(0, end);
    }
}
