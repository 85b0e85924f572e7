package dev.shoehorn.backup.storage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The archive layout of the contract: {@code <prefix>/<target>/<target>_<YYYYmmdd_HHMMSS>.dump}
 * (UTC) with {@code <key>.manifest.json} beside it. Idempotency records live under
 * {@code <prefix>/.commands/<kind>/<target>/}, the records of post-restore reactions under
 * {@code <prefix>/.reactions/<reaction>/}, the schedules' state under {@code <prefix>/.schedule/},
 * the retention schedule's claims under {@code <prefix>/.retention/}, the overdue watchdog's records
 * under {@code <prefix>/.overdue/<target>/}: names no target can have.
 */
public record ArchiveKeys(String prefix) {

    public static final String MANIFEST_SUFFIX = ".manifest.json";
    /** Names of the overdue watchdog's records in a target's {@link #overdue(String)} folder. */
    public static final String OVERDUE_WATCHING = "watching.json";
    public static final String OVERDUE_RAISED = ".raised.json";
    public static final String OVERDUE_CLEARED = ".cleared.json";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP_PARSER = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss");
    private static final java.util.regex.Pattern STAMPED = java.util.regex.Pattern
            .compile("_(\\d{8}_\\d{6})\\.[^/]*$");

    private static final java.util.regex.Pattern ARCHIVE_NAME = java.util.regex.Pattern
            .compile("(\\.dump(\\.zst)?(\\.enc)?|\\.dir)$");
    /**
     * The form of any archive's key (schemas/common.schema.json, archiveKey): a prefix of segments
     * that are neither {@code .} nor {@code ..}, the target's folder, and a stamped archive name.
     */
    public static final java.util.regex.Pattern KEY_FORM = java.util.regex.Pattern.compile(
            "^(?!.*(?:^|/)\\.{1,2}(?:/|$))(?:[^/\\s]+/)*[a-z][a-z0-9_-]{0,62}/[a-z][a-z0-9_-]{0,62}_[0-9]{8}_[0-9]{6}"
                    + "\\.(?:dump(?:\\.zst)?(?:\\.enc)?|dir)$");
    /** What follows a directory archive's key in the keys of its files. */
    public static final String DIRECTORY = ".dir";

    public ArchiveKeys {
        prefix = prefix.replaceAll("^/+|/+$", "");
    }

    /** Everything the worker writes lies under this key prefix. */
    public String root() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    public String targetPrefix(String target) {
        return join(target) + "/";
    }

    public String archive(String target, Instant at) {
        return archive(target, at, "");
    }

    /**
     * An archive of the custom format; {@code suffix} is what its encoding adds to {@code .dump}
     * ({@code .zst}, {@code .enc}, {@code .zst.enc}), so that the name says what a by-hand restore needs.
     */
    public String archive(String target, Instant at, String suffix) {
        return targetPrefix(target) + target + "_" + STAMP.format(at) + ".dump" + suffix;
    }

    /**
     * An object's name below the prefix ({@code <target>/<file>}): what its encryption is bound to,
     * so that an archive still decrypts after the bucket's prefix changes, and not after it is moved
     * to another target or name.
     */
    public String objectName(String key) {
        String root = root();
        return key.startsWith(root) ? key.substring(root.length()) : key;
    }

    /**
     * A directory archive ({@code pg_dump --format=directory}): a folder {@code <key>/} of one object
     * per pg_dump file, each named as pg_dump named it plus its encoding's suffix.
     */
    public String directory(String target, Instant at) {
        return targetPrefix(target) + target + "_" + STAMP.format(at) + DIRECTORY;
    }

    public static boolean isDirectory(String archiveKey) {
        return archiveKey.endsWith(DIRECTORY);
    }

    /**
     * The archive an object of a target's folder belongs to: itself, the archive its manifest
     * describes, or the directory archive it is a file of.
     */
    public static String archiveOf(String objectKey) {
        if (objectKey.endsWith(MANIFEST_SUFFIX)) {
            return objectKey.substring(0, objectKey.length() - MANIFEST_SUFFIX.length());
        }
        int dir = objectKey.lastIndexOf(DIRECTORY + "/");
        return dir < 0 ? objectKey : objectKey.substring(0, dir + DIRECTORY.length());
    }

    /**
     * Whether {@code key} is named as an archive: {@code .dump}, then {@code .zst}, then {@code .enc}
     * (the custom format), or {@code .dir} (the directory format).
     */
    public static boolean isArchiveName(String key) {
        return ARCHIVE_NAME.matcher(key).find();
    }

    /** When the archive at {@code key} was started, from the UTC stamp of its name; empty for another name. */
    public static java.util.Optional<Instant> stampOf(String key) {
        java.util.regex.Matcher m = STAMPED.matcher(key);
        if (!m.find()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(java.time.LocalDateTime.parse(m.group(1), STAMP_PARSER)
                    .toInstant(ZoneOffset.UTC));
        } catch (java.time.format.DateTimeParseException e) {
            return java.util.Optional.empty();
        }
    }

    /** The folder of a target's commands' records of one kind. */
    public String commands(String kind, String target) {
        return join(".commands/" + kind + "/" + target + "/");
    }

    /** The folder of every target's commands' records of one kind. */
    public String commandsOfKind(String kind) {
        return join(".commands/" + kind + "/");
    }

    /** The claim of one slot of the retention schedule: the replica that writes it first prunes. */
    public String retentionRun(Instant slot) {
        return retentionRuns() + STAMP.format(slot) + ".json";
    }

    /** The folder of the retention schedule's claims. */
    public String retentionRuns() {
        return join(".retention/");
    }

    /**
     * The overdue watchdog's records of one target: when it was first watched ({@link #OVERDUE_WATCHING}),
     * each breach raised ({@code <breach>}{@link #OVERDUE_RAISED}) and cleared ({@link #OVERDUE_CLEARED}).
     */
    public String overdue(String target) {
        return join(".overdue/" + target + "/");
    }

    /** The evidence of one restore drill of a target: its JSON report. */
    public String drillReport(String target, Instant at, String jobId) {
        return drillReportsFrom(target, at) + "_" + jobId + ".json";
    }

    /** Where the reports of the target's drills started at or after {@code at} begin, in lexical order. */
    public String drillReportsFrom(String target, Instant at) {
        return drillReports(target) + STAMP.format(at);
    }

    /** The folder of a target's drill reports. */
    public String drillReports(String target) {
        return join(".drills/" + target + "/");
    }

    /** The folder of every reaction's records. */
    public String reactionsRoot() {
        return join(".reactions/");
    }

    public static String manifestOf(String archiveKey) {
        return archiveKey + MANIFEST_SUFFIX;
    }

    /** The idempotency record of a command: (kind, target, commandId) is one command. */
    public String command(String kind, String target, String commandId) {
        return join(".commands/" + kind + "/" + target + "/" + commandId + ".json");
    }

    /** The record of one reaction ({@code backfill}, {@code cache-flush}) to one restore job. */
    public String reaction(String reaction, String restoreJobId) {
        return join(".reactions/" + reaction + "/" + restoreJobId + ".json");
    }

    /** The state of one target's backup schedule. */
    public String schedule(String target) {
        return join(".schedule/" + target + ".json");
    }

    private String join(String rest) {
        return prefix.isEmpty() ? rest : prefix + "/" + rest;
    }
}
